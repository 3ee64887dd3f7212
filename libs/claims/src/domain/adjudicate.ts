import type { AdjudicationContext } from './adjudication-context';
import type { ClaimForAdjudication, ClaimLine } from './claim';
import type { Decision, DecisionStatus, DecisionTotals, LineDecision } from './decision';
import { lineAmount, sum } from './money';
import type { ReasonCode } from './reason-codes';
import { claimRejections } from './rules/claim-rules';
import { priorLines } from './rules/history';
import { lineRejections, tariffOf, type LineFacts } from './rules/line-rules';
import { rejectLine, type LineWork } from './rules/line-work';
import { applyMoneyRules } from './rules/money-rules';
import { applyPreauthRule, reviewReasons } from './rules/pend-rules';
import { applyQuantityRules } from './rules/quantity-rules';

export type { AdjudicationContext } from './adjudication-context';

/** Identity of the automatic decision maker. */
export const RULES_ENGINE = 'rules-engine';

/**
 * Decides a claim against a rule set. Pure and deterministic: the same claim and context
 * always give the same decision, which is what makes decisions replayable by auditors.
 * Lines are processed, and returned, in ascending lineNo.
 */
export function adjudicate(claim: ClaimForAdjudication, ctx: AdjudicationContext): Decision {
  const prior = priorLines(claim, ctx.history);
  const claimReasons = claimRejections(claim, ctx, prior);
  const facts: LineFacts = { claim, member: ctx.member, ruleSet: ctx.ruleSet, prior };
  const ordered = [...claim.lines].sort((a, b) => a.lineNo - b.lineNo);
  const work = ordered.map((line) => startLine(line, facts, claimReasons));
  applyQuantityRules(work, claim, ctx.ruleSet, prior);
  applyMoneyRules(work, ctx.ruleSet, ctx.accumulators);
  if (!ctx.reviewed) applyPreauthRule(work);
  const lines = work.map(toLineDecision);
  const totals = totalsOf(lines);
  const pendReasons = ctx.reviewed ? [] : reviewReasons(totals.approved, ctx.ruleSet.review, ctx.review);
  return {
    status: claimStatus(lines, pendReasons),
    currency: claim.currency,
    lines,
    totals,
    reasonCodes: [...claimReasons, ...pendReasons],
    ruleSetHash: ctx.ruleSetHash,
    decidedAt: ctx.decidedAt,
    decidedBy: ctx.decidedBy,
  };
}

/** A line with its claimed amount and eligibility decided; rejected when any reject reason applies. */
function startLine(line: ClaimLine, facts: LineFacts, claimReasons: readonly ReasonCode[]): LineWork {
  const tariff = tariffOf(facts.ruleSet, line.serviceCode);
  const w: LineWork = {
    line,
    tariff,
    category: tariff?.category ?? 'unclassified',
    claimed: lineAmount(line.unitPrice, line.quantity),
    reasons: [],
    rejected: false,
    pended: false,
    quantity: line.quantity,
    base: 0,
    deductible: 0,
    coPayment: 0,
    approved: 0,
  };
  const reasons = [...claimReasons, ...lineRejections(line, tariff, facts)];
  if (reasons.length > 0) rejectLine(w, ...reasons);
  return w;
}

/**
 * Status from the amounts: a line whose eligible amount equals the claimed amount is `approved`
 * even when the member bears a co-payment or deductible, because the payer's rules cut nothing.
 */
function toLineDecision(w: LineWork): LineDecision {
  const eligible = w.rejected ? 0 : w.approved + w.deductible + w.coPayment;
  const status = w.rejected
    ? 'rejected'
    : w.pended
      ? 'pended'
      : eligible === w.claimed
        ? 'approved'
        : eligible === 0
          ? 'rejected'
          : 'adjusted';
  return {
    lineNo: w.line.lineNo,
    serviceCode: w.line.serviceCode,
    category: w.category,
    claimed: w.claimed,
    eligible,
    coPayment: w.rejected ? 0 : w.coPayment,
    deductible: w.rejected ? 0 : w.deductible,
    approved: w.rejected ? 0 : w.approved,
    // A line the limits left nothing of was not provided under the plan: frequency must not count it.
    approvedQuantity: status === 'rejected' ? 0 : w.quantity,
    status,
    reasonCodes: w.reasons,
  };
}

/** Each total is the sum of the lines' amounts. */
export function totalsOf(lines: readonly LineDecision[]): DecisionTotals {
  const total = (pick: (l: LineDecision) => number) => sum(lines.map(pick));
  return {
    claimed: total((l) => l.claimed),
    eligible: total((l) => l.eligible),
    coPayment: total((l) => l.coPayment),
    deductible: total((l) => l.deductible),
    approved: total((l) => l.approved),
  };
}

/**
 * Pended beats rejected beats approved; anything else is partial. A claim whose lines approve
 * nothing at all (the limits used up, or the member's share taking it all) is rejected, not
 * partially approved: there is nothing to pay, and its lines' reason codes say why.
 */
export function claimStatus(
  lines: readonly LineDecision[],
  pendReasons: readonly ReasonCode[] = [],
): DecisionStatus {
  if (pendReasons.length > 0 || lines.some((l) => l.status === 'pended')) return 'pended';
  if (lines.every((l) => l.status === 'rejected' || l.approved === 0)) return 'rejected';
  if (lines.every((l) => l.status === 'approved')) return 'approved';
  return 'partially_approved';
}
