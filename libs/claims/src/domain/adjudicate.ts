import type { ClaimForAdjudication, ClaimLine, MemberForAdjudication } from './claim';
import type { Decision, DecisionStatus, LineDecision } from './decision';
import { lineAmount, sum } from './money';
import { ReasonCode } from './reason-codes';
import type { RuleSet } from './rule-set';

/** Everything adjudication needs besides the claim; all of it is input, nothing is read. */
export interface AdjudicationContext {
  member: MemberForAdjudication | null;
  ruleSet: RuleSet;
  ruleSetHash: string;
  /** ISO 8601 instant the decision is made at. */
  decidedAt: string;
  /** Who decides: the rules engine, or a reviewer. */
  decidedBy: string;
}

/** Identity of the automatic decision maker. */
export const RULES_ENGINE = 'rules-engine';

/**
 * Decides a claim against a rule set. Pure and deterministic: the same claim and context
 * always give the same decision, which is what makes decisions replayable by auditors.
 */
export function adjudicate(claim: ClaimForAdjudication, ctx: AdjudicationContext): Decision {
  const claimReasons = claimLevelReasons(claim, ctx);
  const lines = claim.lines.map((line) => decideLine(line, ctx.ruleSet, claimReasons));
  const totals = {
    claimed: sum(lines.map((l) => l.claimed)),
    eligible: sum(lines.map((l) => l.eligible)),
    coPayment: sum(lines.map((l) => l.coPayment)),
    approved: sum(lines.map((l) => l.approved)),
  };
  return {
    status: claimStatus(lines),
    currency: claim.currency,
    lines,
    totals,
    reasonCodes: claimReasons,
    ruleSetHash: ctx.ruleSetHash,
    decidedAt: ctx.decidedAt,
    decidedBy: ctx.decidedBy,
  };
}

function claimLevelReasons(claim: ClaimForAdjudication, ctx: AdjudicationContext): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  const { member, ruleSet } = ctx;
  if (!member) reasons.push(ReasonCode.MemberNotFound);
  else if (claim.serviceDate < member.coverageStart || claim.serviceDate > member.coverageEnd) {
    reasons.push(ReasonCode.MemberNotCovered);
  }
  if (claim.serviceDate < ruleSet.coverage.start || claim.serviceDate > ruleSet.coverage.end) {
    reasons.push(ReasonCode.PlanNotInForce);
  }
  if (claim.currency !== ruleSet.currency) reasons.push(ReasonCode.CurrencyMismatch);
  if (!ruleSet.contractedProviders.includes(claim.providerId)) reasons.push(ReasonCode.ProviderNotContracted);
  return reasons;
}

function decideLine(line: ClaimLine, ruleSet: RuleSet, claimReasons: readonly ReasonCode[]): LineDecision {
  const claimed = lineAmount(line.unitPrice, line.quantity);
  // Own-property lookup only: a code such as "constructor" must not reach Object.prototype.
  const tariff = Object.hasOwn(ruleSet.tariff, line.serviceCode)
    ? ruleSet.tariff[line.serviceCode]
    : undefined;
  const base = { lineNo: line.lineNo, serviceCode: line.serviceCode, claimed, coPayment: 0 };
  const category = tariff?.category ?? 'unclassified';
  const reasons = [...claimReasons];
  if (!tariff) reasons.push(ReasonCode.ServiceNotInTariff);
  if (reasons.length > 0) {
    return { ...base, category, eligible: 0, approved: 0, status: 'rejected', reasonCodes: reasons };
  }
  const t = tariff!;
  if (line.unitPrice > t.unitPrice) {
    const eligible = lineAmount(t.unitPrice, line.quantity);
    return {
      ...base,
      category,
      eligible,
      approved: eligible,
      status: 'adjusted',
      reasonCodes: [ReasonCode.PriceAboveTariff],
    };
  }
  return { ...base, category, eligible: claimed, approved: claimed, status: 'approved', reasonCodes: [] };
}

function claimStatus(lines: readonly LineDecision[]): DecisionStatus {
  if (lines.some((l) => l.status === 'pended')) return 'pended';
  if (lines.every((l) => l.status === 'rejected')) return 'rejected';
  if (lines.every((l) => l.status === 'approved')) return 'approved';
  return 'partially_approved';
}
