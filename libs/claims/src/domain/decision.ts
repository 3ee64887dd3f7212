import type { ReasonCode } from './reason-codes';

/** Outcome status of a decided claim. */
export type DecisionStatus = 'approved' | 'partially_approved' | 'rejected' | 'pended';

/** Outcome of one claim line. */
export type LineStatus = 'approved' | 'adjusted' | 'rejected' | 'pended';

/**
 * The decision on one line; amounts in minor units. Always
 * `approved + deductible + coPayment = eligible ≤ claimed`.
 */
export interface LineDecision {
  lineNo: number;
  serviceCode: string;
  /** Benefit category from the tariff; `unclassified` when the code is not in the tariff. */
  category: string;
  claimed: number;
  /** What the plan's rules accept: the payer's part plus the member's share. */
  eligible: number;
  /** The member's co-payment on this line. */
  coPayment: number;
  /** The member's deductible borne on this line. */
  deductible: number;
  /** What the payer pays. */
  approved: number;
  /** Units the rules accept (0 when rejected); history lines carry it forward for frequency limits. */
  approvedQuantity: number;
  status: LineStatus;
  reasonCodes: ReasonCode[];
}

/** Claim totals in minor units; each is the sum of the lines' amounts. */
export interface DecisionTotals {
  claimed: number;
  eligible: number;
  coPayment: number;
  deductible: number;
  approved: number;
}

/** What adjudication decided, with everything needed to replay and audit it. */
export interface Decision {
  status: DecisionStatus;
  currency: string;
  lines: LineDecision[];
  totals: DecisionTotals;
  /** Claim-level reasons: those that reject every line, and review selections that pend the claim. */
  reasonCodes: ReasonCode[];
  ruleSetHash: string;
  /** ISO 8601 instant, supplied by the caller. */
  decidedAt: string;
  decidedBy: string;
}

/**
 * Whether a decision approves something (approved or partially approved): only such a decision
 * adds to the member's accumulators, to later claims' histories and to the diagnosis totals.
 */
export function isApproval(decision: Pick<Decision, 'status'>): boolean {
  return decision.status === 'approved' || decision.status === 'partially_approved';
}

/** The units a decision approves, in line order, leaving out lines with none: what histories count. */
export function approvedUnits(
  decision: Pick<Decision, 'lines'>,
): { serviceCode: string; quantity: number }[] {
  return decision.lines
    .filter((l) => l.approvedQuantity > 0)
    .map((l) => ({ serviceCode: l.serviceCode, quantity: l.approvedQuantity }));
}
