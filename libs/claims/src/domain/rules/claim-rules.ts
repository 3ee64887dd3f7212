import type { ClaimForAdjudication, PriorApprovedLine } from '../claim';
import { daysBetween } from '../dates';
import { ReasonCode } from '../reason-codes';
import type { RuleSet } from '../rule-set';
import type { AdjudicationContext } from '../adjudication-context';
import { anyDiagnosisMatches } from './diagnoses';
import { memberReasons, waitingPeriodReasons } from './member-rules';
import { providerReasons } from './provider-rules';
import { visitLimitReasons } from './visit-limit-rules';

/** Every claim-level reason, in a fixed order; any of them rejects every line. */
export function claimRejections(
  claim: ClaimForAdjudication,
  ctx: AdjudicationContext,
  prior: readonly PriorApprovedLine[],
): ReasonCode[] {
  const { member, ruleSet } = ctx;
  return [
    ...memberReasons(claim, member),
    ...planReasons(claim, ruleSet),
    ...providerReasons(claim, ruleSet),
    ...(ruleSet.excludedDiagnoses && anyDiagnosisMatches(claim.diagnoses, ruleSet.excludedDiagnoses)
      ? [ReasonCode.ExcludedDiagnosis]
      : []),
    ...(isLate(claim, ruleSet) ? [ReasonCode.SubmissionLate] : []),
    ...waitingPeriodReasons(claim, member, ruleSet),
    ...visitLimitReasons(claim, ruleSet, prior),
    ...(duplicatesOneClaim(claim, prior) ? [ReasonCode.DuplicateClaim] : []),
  ];
}

/** PLAN_NOT_IN_FORCE (bounds inclusive) and CURRENCY_MISMATCH. */
function planReasons(claim: ClaimForAdjudication, ruleSet: RuleSet): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (claim.serviceDate < ruleSet.coverage.start || claim.serviceDate > ruleSet.coverage.end) {
    reasons.push(ReasonCode.PlanNotInForce);
  }
  if (claim.currency !== ruleSet.currency) reasons.push(ReasonCode.CurrencyMismatch);
  return reasons;
}

/** SUBMISSION_LATE: submitted more than the deadline's days after the service date (the last day is in time). */
function isLate(claim: ClaimForAdjudication, ruleSet: RuleSet): boolean {
  const deadline = ruleSet.submissionDeadlineDays;
  return deadline !== undefined && daysBetween(claim.serviceDate, claim.submittedOn) > deadline;
}

/**
 * DUPLICATE_CLAIM: one earlier claim of the same provider and service date already has an
 * approved line for every service code of this claim. Lines repeating several claims are left
 * to DUPLICATE_SERVICE, line by line.
 */
function duplicatesOneClaim(claim: ClaimForAdjudication, prior: readonly PriorApprovedLine[]): boolean {
  if (claim.lines.length === 0) return false;
  const codesByClaim = new Map<string, Set<string>>();
  for (const h of prior) {
    if (h.providerId !== claim.providerId || h.serviceDate !== claim.serviceDate) continue;
    const codes = codesByClaim.get(h.claimId) ?? new Set<string>();
    codes.add(h.serviceCode);
    codesByClaim.set(h.claimId, codes);
  }
  return [...codesByClaim.values()].some((codes) => claim.lines.every((l) => codes.has(l.serviceCode)));
}
