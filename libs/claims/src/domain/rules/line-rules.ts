import type { ClaimForAdjudication, ClaimLine, MemberForAdjudication, PriorApprovedLine } from '../claim';
import { ageOn } from '../dates';
import { ReasonCode } from '../reason-codes';
import type { RuleSet, TariffEntry } from '../rule-set';
import { anyDiagnosisMatches } from './diagnoses';
import { inWaitingPeriod } from './member-rules';

/** The line's tariff entry; own properties only, so a code such as "constructor" is not found. */
export function tariffOf(ruleSet: RuleSet, serviceCode: string): TariffEntry | undefined {
  return Object.hasOwn(ruleSet.tariff, serviceCode) ? ruleSet.tariff[serviceCode] : undefined;
}

/** Facts the line-level eligibility rules read besides the line itself. */
export interface LineFacts {
  claim: ClaimForAdjudication;
  member: MemberForAdjudication | null;
  ruleSet: RuleSet;
  prior: readonly PriorApprovedLine[];
}

/**
 * Every line-level reason that rejects the line outright, in a fixed order. Member-based rules
 * are skipped when the member is unknown: MEMBER_NOT_FOUND already rejects the claim.
 */
export function lineRejections(line: ClaimLine, tariff: TariffEntry | undefined, f: LineFacts): ReasonCode[] {
  if (!tariff) return [ReasonCode.ServiceNotInTariff];
  const { claim, member } = f;
  const reasons: ReasonCode[] = [];
  if (tariff.careTypes && !tariff.careTypes.includes(claim.careType)) {
    reasons.push(ReasonCode.CareTypeNotAllowed);
  }
  if (member && tariff.sex && member.sex !== tariff.sex) reasons.push(ReasonCode.SexRestriction);
  if (member && !ageAllowed(tariff, ageOn(member.birthDate, claim.serviceDate))) {
    reasons.push(ReasonCode.AgeRestriction);
  }
  if (tariff.requiredDiagnoses && !anyDiagnosisMatches(claim.diagnoses, tariff.requiredDiagnoses)) {
    reasons.push(ReasonCode.DiagnosisRequired);
  }
  if (tariff.incompatibleDiagnoses && anyDiagnosisMatches(claim.diagnoses, tariff.incompatibleDiagnoses)) {
    reasons.push(ReasonCode.DiagnosisIncompatible);
  }
  const categoryDays = f.ruleSet.waitingPeriods?.categories?.[tariff.category];
  if (member && categoryDays !== undefined && inWaitingPeriod(member, categoryDays, claim.serviceDate)) {
    reasons.push(ReasonCode.CategoryWaitingPeriod);
  }
  if (f.prior.some((h) => h.serviceCode === line.serviceCode && h.serviceDate === claim.serviceDate)) {
    reasons.push(ReasonCode.DuplicateService);
  }
  return reasons;
}

/** Age bounds are inclusive whole years on the service date. */
function ageAllowed(tariff: TariffEntry, age: number): boolean {
  return (
    (tariff.minAge === undefined || age >= tariff.minAge) &&
    (tariff.maxAge === undefined || age <= tariff.maxAge)
  );
}
