import { AdjudicationRepository, type DecisionWithInputs } from '../adjudication/adjudication.repository';
import type { RuleSet } from '../domain';

/** A claim as the in-memory adjudication repository holds it. */
export interface HeldClaim {
  id: string;
  status: string;
  updatedAt: Date;
}

/** Adjudication's store in memory, for the use cases' specs. */
export class InMemoryAdjudicationRepository extends AdjudicationRepository {
  readonly claims: HeldClaim[] = [];
  /** Stored decisions by claim id. */
  readonly decisions = new Map<string, DecisionWithInputs[]>();
  /** Published rule sets by hash. */
  readonly ruleSets = new Map<string, RuleSet>();

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  stuckClaimIds(olderThanMs: number, limit: number): Promise<string[]> {
    const before = this.now().getTime() - olderThanMs;
    return Promise.resolve(
      this.claims
        .filter(
          (c) => (c.status === 'received' || c.status === 'adjudicating') && c.updatedAt.getTime() < before,
        )
        .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
        .slice(0, limit)
        .map((c) => c.id),
    );
  }

  decisionWithInputs(claimId: string, revision?: number): Promise<DecisionWithInputs | null> {
    const revisions = [...(this.decisions.get(claimId) ?? [])].sort((a, b) => b.revision - a.revision);
    return Promise.resolve(
      (revision === undefined ? revisions[0] : revisions.find((d) => d.revision === revision)) ?? null,
    );
  }

  ruleSetByHash(ruleSetHash: string): Promise<RuleSet | null> {
    return Promise.resolve(this.ruleSets.get(ruleSetHash) ?? null);
  }
}
