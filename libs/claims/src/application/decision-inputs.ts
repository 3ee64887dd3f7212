import type {
  ClaimForAdjudication,
  MemberAccumulators,
  MemberForAdjudication,
  PriorApprovedLine,
  ReviewInputs,
} from '../domain';

/** A reviewer's instruction for a pended claim. */
export interface ReviewInstruction {
  action: 'approve' | 'adjust' | 'reject';
  /** For `adjust`: the approved amount the reviewer allows per line (at most what the rules allow). */
  lines?: { lineNo: number; approved: number }[];
  note?: string;
}

/**
 * Everything a decision was computed from except the rule set (which is stored once per plan
 * version and found by its hash). Stored with the decision so anyone can replay it.
 */
export interface DecisionInputs {
  claim: ClaimForAdjudication;
  member: MemberForAdjudication | null;
  history: PriorApprovedLine[];
  accumulators: MemberAccumulators;
  review: ReviewInputs;
  reviewed: boolean;
  decidedAt: string;
  decidedBy: string;
  instruction?: ReviewInstruction;
}
