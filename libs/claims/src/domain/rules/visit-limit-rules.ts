import type { ClaimForAdjudication, PriorApprovedLine } from '../claim';
import { ReasonCode } from '../reason-codes';
import type { RuleSet } from '../rule-set';
import { claimsOf, inPeriod } from './history';

/**
 * ADMISSION_LIMIT (inpatient claims) and OUTPATIENT_VISIT_LIMIT (outpatient claims): the member's
 * earlier claims of that care type in the period ending on the service date already reach the
 * maximum. Emergency claims count as neither.
 */
export function visitLimitReasons(
  claim: ClaimForAdjudication,
  ruleSet: RuleSet,
  prior: readonly PriorApprovedLine[],
): ReasonCode[] {
  const limits = ruleSet.visitLimits;
  const limit =
    claim.careType === 'inpatient'
      ? { rule: limits?.admissions, reason: ReasonCode.AdmissionLimit }
      : claim.careType === 'outpatient'
        ? { rule: limits?.outpatientVisits, reason: ReasonCode.OutpatientVisitLimit }
        : undefined;
  if (!limit?.rule) return [];
  const sameCare = prior.filter((h) => h.careType === claim.careType);
  const used = claimsOf(inPeriod(sameCare, limit.rule.period, claim.serviceDate));
  return used >= limit.rule.max ? [limit.reason] : [];
}
