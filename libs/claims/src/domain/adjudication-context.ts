import type { MemberAccumulators, MemberForAdjudication, PriorApprovedLine, ReviewInputs } from './claim';
import type { RuleSet } from './rule-set';

/** Everything adjudication needs besides the claim; all of it is input, nothing is read. */
export interface AdjudicationContext {
  member: MemberForAdjudication | null;
  ruleSet: RuleSet;
  ruleSetHash: string;
  /** The member's approved lines from earlier claims, at every provider (frequency, visits, duplicates). */
  history: readonly PriorApprovedLine[];
  /** The member's usage in the benefit year of the service date. */
  accumulators: MemberAccumulators;
  review: ReviewInputs;
  /**
   * Set when a reviewer decides a pended claim: pre-authorisation and review selection no longer
   * pend it; the money rules still apply.
   */
  reviewed?: boolean;
  /** ISO 8601 instant the decision is made at. */
  decidedAt: string;
  /** Who decides: the rules engine, or a reviewer. */
  decidedBy: string;
}
