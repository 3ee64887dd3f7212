import type { ReasonCode } from './reason-codes';

/** Outcome status of a decided claim. */
export type DecisionStatus = 'approved' | 'partially_approved' | 'rejected' | 'pended';

/** Outcome of one claim line. */
export type LineStatus = 'approved' | 'adjusted' | 'rejected' | 'pended';

/** The decision on one line; amounts in minor units. */
export interface LineDecision {
  lineNo: number;
  serviceCode: string;
  /** Benefit category from the tariff; `unclassified` when the code is not in the tariff. */
  category: string;
  claimed: number;
  eligible: number;
  coPayment: number;
  approved: number;
  status: LineStatus;
  reasonCodes: ReasonCode[];
}

/** Claim totals in minor units. */
export interface DecisionTotals {
  claimed: number;
  eligible: number;
  coPayment: number;
  approved: number;
}

/** What adjudication decided, with everything needed to replay and audit it. */
export interface Decision {
  status: DecisionStatus;
  currency: string;
  lines: LineDecision[];
  totals: DecisionTotals;
  /** Claim-level reasons (those that reject every line). */
  reasonCodes: ReasonCode[];
  ruleSetHash: string;
  /** ISO 8601 instant, supplied by the caller. */
  decidedAt: string;
  decidedBy: string;
}
