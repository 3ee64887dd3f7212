import type { Decision, DecisionInputs, RuleSet } from '../domain';

/** A stored decision revision with the inputs it was made from (null for decisions older than that). */
export interface DecisionWithInputs {
  revision: number;
  ruleSetHash: string;
  decision: Decision;
  inputs: DecisionInputs | null;
}

/** What adjudication reads and writes in the database. */
export abstract class AdjudicationRepository {
  /**
   * Claims left in `received` or `adjudicating` for longer than `olderThanMs`, the longest waiting
   * first: their enqueue was lost or their worker died mid-job.
   */
  abstract stuckClaimIds(olderThanMs: number, limit: number): Promise<string[]>;
  /** A claim's decision of `revision`, or its latest when none is given. */
  abstract decisionWithInputs(claimId: string, revision?: number): Promise<DecisionWithInputs | null>;
  /** The rule set published under this hash. */
  abstract ruleSetByHash(ruleSetHash: string): Promise<RuleSet | null>;
}
