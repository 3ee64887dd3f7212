import { ReasonCode } from './reason-codes';

/** Where a reason code is attached: to the claim (and every line) or to one line. */
export type ReasonScope = 'claim' | 'line';

/** What a reason code means and what it does. */
export interface ReasonCodeInfo {
  scope: ReasonScope;
  meaning: string;
  effect: string;
}

const claimReject = (meaning: string): ReasonCodeInfo => ({
  scope: 'claim',
  meaning,
  effect: 'every line rejected',
});
const lineReject = (meaning: string): ReasonCodeInfo => ({ scope: 'line', meaning, effect: 'line rejected' });
const trim = (meaning: string): ReasonCodeInfo => ({
  scope: 'line',
  meaning,
  effect: 'quantity trimmed to what is left; line rejected when nothing is left',
});
const line = (meaning: string, effect: string): ReasonCodeInfo => ({ scope: 'line', meaning, effect });
const claimPend = (meaning: string): ReasonCodeInfo => ({
  scope: 'claim',
  meaning,
  effect: 'claim pended for review (amounts kept)',
});

/** What each reason code means and what it does to the line or the claim. */
export const REASON_CODES: Readonly<Record<ReasonCode, ReasonCodeInfo>> = {
  [ReasonCode.MemberNotFound]: claimReject('The member is not enrolled with the payer.'),
  [ReasonCode.MemberNotActive]: claimReject("The member's status is suspended or terminated."),
  [ReasonCode.MemberNotCovered]: claimReject("The service date is outside the member's coverage period."),
  [ReasonCode.PlanNotInForce]: claimReject("The service date is outside the plan version's coverage period."),
  [ReasonCode.CurrencyMismatch]: claimReject("The claim's currency is not the plan's currency."),
  [ReasonCode.ProviderNotContracted]: claimReject(
    'The provider is not contracted for the plan on the service date.',
  ),
  [ReasonCode.CareTypeNotAllowedForProvider]: claimReject(
    "The provider's contract does not cover the claim's care type.",
  ),
  [ReasonCode.ExcludedDiagnosis]: claimReject('A diagnosis on the claim is excluded by the plan.'),
  [ReasonCode.SubmissionLate]: claimReject('The claim was submitted after the submission deadline.'),
  [ReasonCode.WaitingPeriod]: claimReject("The service date is within the plan's waiting period."),
  [ReasonCode.AdmissionLimit]: claimReject("The member has used the plan's admissions for the period."),
  [ReasonCode.OutpatientVisitLimit]: claimReject(
    "The member has used the plan's outpatient visits for the period.",
  ),
  [ReasonCode.DuplicateClaim]: claimReject(
    'Every line repeats an approved line of one earlier claim of the same provider and date.',
  ),
  [ReasonCode.ServiceNotInTariff]: lineReject("The service code is not in the plan's tariff."),
  [ReasonCode.CareTypeNotAllowed]: lineReject("The service is not covered in the claim's care type."),
  [ReasonCode.SexRestriction]: lineReject('The service is restricted to the other sex.'),
  [ReasonCode.AgeRestriction]: lineReject(
    "The member's age on the service date is outside the allowed range.",
  ),
  [ReasonCode.DiagnosisRequired]: lineReject('No diagnosis on the claim supports the service.'),
  [ReasonCode.DiagnosisIncompatible]: lineReject(
    'A diagnosis on the claim is incompatible with the service.',
  ),
  [ReasonCode.CategoryWaitingPeriod]: lineReject(
    "The service date is within the waiting period of the service's category.",
  ),
  [ReasonCode.DuplicateService]: lineReject(
    'The member already had this service approved on the same date, at any provider.',
  ),
  [ReasonCode.QuantityAboveMaximum]: line(
    'The quantity is above the maximum per line.',
    'quantity trimmed to the maximum',
  ),
  [ReasonCode.FrequencyLimit]: trim("The service's frequency limit for the period is used up."),
  [ReasonCode.ConsultationLimit]: trim("The plan's consultations for the period are used up."),
  [ReasonCode.SurgeryLimit]: trim("The plan's surgeries for the period are used up."),
  [ReasonCode.DeliveryLimit]: trim("The plan's deliveries for the period are used up."),
  [ReasonCode.AntenatalLimit]: trim("The plan's antenatal contacts for the period are used up."),
  [ReasonCode.PriceAboveTariff]: line(
    'The unit price is above the tariff price.',
    'line approved at the tariff price',
  ),
  [ReasonCode.PerVisitLimit]: line('The per-visit limit is reached.', 'line approved in part or not at all'),
  [ReasonCode.DeductibleApplied]: line(
    "Part of the line is the member's annual deductible.",
    'informational: member bears the deductible',
  ),
  [ReasonCode.CoPaymentApplied]: line(
    "Part of the line is the member's co-payment.",
    'informational: member bears the co-payment',
  ),
  [ReasonCode.CategoryLimitReached]: line(
    "The member's annual limit for the category is reached.",
    'line approved in part or not at all',
  ),
  [ReasonCode.AnnualLimitReached]: line(
    "The member's annual limit is reached.",
    'line approved in part or not at all',
  ),
  [ReasonCode.PreauthRequired]: line(
    'The service needs a pre-authorisation reference and the line has none.',
    'line pended (amounts kept)',
  ),
  [ReasonCode.ReviewThreshold]: claimPend("The approved total is above the plan's review threshold."),
  [ReasonCode.ReviewAboveAverage]: claimPend(
    'The approved total is above the multiple of the average for the primary diagnosis.',
  ),
  [ReasonCode.ReviewSampled]: claimPend('The claim was drawn in the random review sample.'),
  [ReasonCode.ReviewerAdjusted]: line(
    'A reviewer lowered the approved amount.',
    'line adjusted, or rejected when nothing is left',
  ),
  [ReasonCode.ReviewerRejected]: claimReject('A reviewer rejected the claim.'),
};
