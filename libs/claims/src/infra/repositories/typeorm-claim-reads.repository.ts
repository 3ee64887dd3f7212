import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { storedDecision } from '../../adjudication/decision-store';
import type { ClaimStatus } from '../../domain';
import {
  type ClaimRecord,
  ClaimReadsRepository,
  type ClaimScope,
  type CurrentDecision,
  type LedgerRefusal,
  type RecordedDecision,
} from '../../intake/claim-reads.repository';
import { ClaimDecisionEntity, ClaimEntity, LedgerOutboxEntity } from '../entities';

/** Outbox outcomes that mean the record is on the ledger. */
const RECORDED = ['recorded', 'unchanged'];

/** Claim reads on PostgreSQL (`claims`, `claim_decisions`, `ledger_outbox`, `claim_events`). */
@Injectable()
export class TypeOrmClaimReadsRepository extends ClaimReadsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  find(scope: ClaimScope, id: string): Promise<ClaimRecord | null> {
    return this.scoped(scope).andWhere('c.id = :id', { id }).getOne();
  }

  async list(
    scope: ClaimScope,
    opts: { status?: ClaimStatus; afterId?: string; limit: number },
  ): Promise<ClaimRecord[]> {
    const qb = this.scoped(scope).orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').take(opts.limit);
    if (opts.status) qb.andWhere('c.status = :status', { status: opts.status });
    if (opts.afterId) {
      // Compared in SQL against the cursor row itself: timestamptz keeps microseconds a JS Date would lose.
      qb.andWhere('(c.created_at, c.id) < (SELECT k.created_at, k.id FROM claims k WHERE k.id = :after)', {
        after: opts.afterId,
      });
    }
    return qb.getMany();
  }

  async currentDecisions(claimIds: readonly string[]): Promise<CurrentDecision[]> {
    if (claimIds.length === 0) return [];
    const rows = await this.db
      .getRepository(ClaimDecisionEntity)
      .createQueryBuilder('d')
      .innerJoin(ClaimEntity, 'c', 'c.id = d.claim_id AND c.revision = d.revision')
      .where('d.claim_id IN (:...ids)', { ids: claimIds })
      .getMany();
    return rows.map((d) => ({
      claimId: d.claimId,
      revision: d.revision,
      ...storedDecision(d),
      note: d.note,
    }));
  }

  async recordedDecisions(claimIds: readonly string[]): Promise<RecordedDecision[]> {
    if (claimIds.length === 0) return [];
    const rows = await this.db
      .getRepository(LedgerOutboxEntity)
      .createQueryBuilder('o')
      .innerJoin(ClaimEntity, 'c', 'c.id = o.claim_id AND c.revision = o.revision')
      .where("o.claim_id IN (:...ids) AND o.kind = 'decision' AND o.committed_at IS NOT NULL", {
        ids: claimIds,
      })
      .getMany();
    return rows
      .filter((o) => RECORDED.includes(o.outcome ?? '') && o.txId !== null && o.blockNumber !== null)
      .map((o) => ({ claimId: o.claimId, txId: o.txId!, block: o.blockNumber! }));
  }

  async latestRefusals(
    claimIds: readonly string[],
    statuses: readonly ClaimStatus[],
  ): Promise<Map<string, LedgerRefusal>> {
    if (claimIds.length === 0) return new Map();
    const rows: { claim_id: string; code: string; message: string; at: Date }[] = await this.db.query(
      `SELECT DISTINCT ON (claim_id) claim_id, detail ->> 'code' AS code, detail ->> 'message' AS message, at
         FROM claim_events
        WHERE claim_id = ANY($1::uuid[]) AND to_status = ANY($2::text[]) AND detail ? 'code'
        ORDER BY claim_id, id DESC`,
      [claimIds, statuses],
    );
    return new Map(rows.map((r) => [r.claim_id, { code: r.code, message: r.message, at: r.at }]));
  }

  private scoped(scope: ClaimScope): SelectQueryBuilder<ClaimEntity> {
    const qb = this.db.getRepository(ClaimEntity).createQueryBuilder('c');
    return scope.party === 'provider'
      ? qb.where('c.provider_id = :org', { org: scope.orgId })
      : qb.where('c.payer_id = :org', { org: scope.orgId });
  }
}
