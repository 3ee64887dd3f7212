import { adjudicate, applyReviewInstruction, type Decision, type RuleSet } from '../domain';
import type { DecisionInputs } from './decision-inputs';

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
