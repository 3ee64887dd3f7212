import { AdjudicationRepository } from '../adjudication/adjudication.repository';

/** A claim as the in-memory adjudication repository holds it. */
export interface HeldClaim {
  id: string;
  status: string;
  updatedAt: Date;
}

/** Adjudication's store in memory, for the use cases' specs. */
export class InMemoryAdjudicationRepository extends AdjudicationRepository {
  readonly claims: HeldClaim[] = [];

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
}
