import type { ClaimStatus } from '../domain';
import {
  type ClaimRecord,
  ClaimReadsRepository,
  type ClaimScope,
  type CurrentDecision,
  type LedgerRefusal,
  type RecordedDecision,
} from '../intake/claim-reads.repository';

/** A refusal event as the in-memory store keeps it. */
interface RefusalEvent extends LedgerRefusal {
  claimId: string;
  toStatus: ClaimStatus;
}

/** Claim reads in memory, for the use cases' specs. */
export class InMemoryClaimReadsRepository extends ClaimReadsRepository {
  readonly claims: ClaimRecord[] = [];
  readonly decisions: CurrentDecision[] = [];
  readonly recorded: RecordedDecision[] = [];
  readonly refusalEvents: RefusalEvent[] = [];

  find(scope: ClaimScope, id: string): Promise<ClaimRecord | null> {
    return Promise.resolve(this.claims.find((c) => c.id === id && inScope(scope, c)) ?? null);
  }

  list(
    scope: ClaimScope,
    opts: { status?: ClaimStatus; afterId?: string; limit: number },
  ): Promise<ClaimRecord[]> {
    const ordered = this.claims
      .filter((c) => inScope(scope, c) && (!opts.status || c.status === opts.status))
      .sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      );
    const after = opts.afterId ? this.claims.find((c) => c.id === opts.afterId) : undefined;
    const rest = after
      ? ordered.filter(
          (c) =>
            c.createdAt.getTime() < after.createdAt.getTime() ||
            (c.createdAt.getTime() === after.createdAt.getTime() && c.id < after.id),
        )
      : ordered;
    return Promise.resolve(rest.slice(0, opts.limit));
  }

  currentDecisions(claimIds: readonly string[]): Promise<CurrentDecision[]> {
    return Promise.resolve(
      this.decisions.filter((d) => claimIds.includes(d.claimId) && this.isCurrent(d.claimId, d.revision)),
    );
  }

  recordedDecisions(claimIds: readonly string[]): Promise<RecordedDecision[]> {
    return Promise.resolve(this.recorded.filter((r) => claimIds.includes(r.claimId)));
  }

  latestRefusals(
    claimIds: readonly string[],
    statuses: readonly ClaimStatus[],
  ): Promise<Map<string, LedgerRefusal>> {
    const latest = new Map<string, LedgerRefusal>();
    for (const e of this.refusalEvents) {
      if (claimIds.includes(e.claimId) && statuses.includes(e.toStatus))
        latest.set(e.claimId, { code: e.code, message: e.message, at: e.at });
    }
    return Promise.resolve(latest);
  }

  private isCurrent(claimId: string, revision: number): boolean {
    return this.claims.some((c) => c.id === claimId && c.revision === revision);
  }
}

const inScope = (scope: ClaimScope, c: ClaimRecord) =>
  (scope.party === 'provider' ? c.providerId : c.payerId) === scope.orgId;
