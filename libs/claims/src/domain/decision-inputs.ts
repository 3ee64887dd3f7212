import { adjudicate } from './adjudicate';
import type {
  ClaimForAdjudication,
  MemberAccumulators,
  MemberForAdjudication,
  PriorApprovedLine,
  ReviewInputs,
} from './claim';
import type { Decision } from './decision';
import { applyReviewInstruction, type ReviewInstruction } from './review-instruction';
import type { RuleSet } from './rule-set';

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

/**
 * Computes a decision from stored inputs and a rule set: the rules engine, then the reviewer's
 * instruction if there is one. The worker, the review endpoint and `claimtrail replay` all decide
 * through this one function, which is what makes a replay meaningful.
 */
export function decideFromInputs(inputs: DecisionInputs, ruleSet: RuleSet, ruleSetHash: string): Decision {
  const decision = adjudicate(inputs.claim, {
    member: inputs.member,
    ruleSet,
    ruleSetHash,
    history: inputs.history,
    accumulators: inputs.accumulators,
    review: inputs.review,
    reviewed: inputs.reviewed,
    decidedAt: inputs.decidedAt,
    decidedBy: inputs.decidedBy,
  });
  return inputs.instruction ? applyReviewInstruction(decision, inputs.instruction) : decision;
}
