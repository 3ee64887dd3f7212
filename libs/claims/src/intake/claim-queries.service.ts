import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { ClaimStatus, DomainErrorCode } from '../domain';
import { ClaimDecisionEntity, ClaimEntity, LedgerOutboxEntity } from '../infra/entities';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { storedDecision } from '../adjudication/decision-store';
import { IntegrityOverlayService } from '../ledger-sync/reconciliation/integrity-overlay.service';
import type { Principal } from '../access/organizations.service';
import type { ClaimView } from '../common/api-views';

export type { ClaimView } from '../common/api-views';

/** One page of a list, with the cursor of the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Reads claims, always through the caller's tenancy. */
@Injectable()
export class ClaimQueriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly integrity: IntegrityOverlayService,
  ) {}

  /** A claim the caller may see, or NotFound (also for claims of other tenants). */
  async get(principal: Principal, id: string): Promise<ClaimView> {
    const claim = await this.visible(principal).andWhere('c.id = :id', { id }).getOne();
    if (!claim) throw new NotFoundError('claim');
    const [view] = await this.views([claim]);
    return view;
  }

  /** Claims the caller may see, newest first, keyset-paginated. */
  async list(
    principal: Principal,
    opts: { status?: ClaimStatus; cursor?: string; limit: number },
  ): Promise<Page<ClaimView>> {
    const qb = this.visible(principal)
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .take(opts.limit + 1);
    if (opts.status) qb.andWhere('c.status = :status', { status: opts.status });
    if (opts.cursor) {
      const after = decodeCursor(opts.cursor);
      // The cursor is read through the caller's tenancy: another tenant's claim, or none, is
      // answered exactly as a cursor this API never issued, so a cursor reveals no claim's existence.
      if (!(await this.visible(principal).andWhere('c.id = :after', { after }).getExists())) {
        throw invalidCursor();
      }
      // Compared in SQL against the cursor row itself: timestamptz keeps microseconds a JS Date would lose.
      qb.andWhere('(c.created_at, c.id) < (SELECT k.created_at, k.id FROM claims k WHERE k.id = :after)', {
        after,
      });
    }
    const rows = await qb.getMany();
    const items = await this.views(rows.slice(0, opts.limit));
    const last = rows.length > opts.limit ? rows[opts.limit - 1] : null;
    return { items, nextCursor: last ? encodeCursor(last) : null };
  }

  private visible(principal: Principal): SelectQueryBuilder<ClaimEntity> {
    const qb = this.db.getRepository(ClaimEntity).createQueryBuilder('c');
    switch (principal.kind) {
      case 'provider':
        return qb.where('c.provider_id = :org', { org: principal.orgId });
      case 'payer':
        return qb.where('c.payer_id = :org', { org: principal.orgId });
      default:
        throw new AppError(AppErrorCode.Forbidden, `a ${principal.kind} organization cannot read claims`);
    }
  }

  private async views(claims: ClaimEntity[]): Promise<ClaimView[]> {
    if (claims.length === 0) return [];
    const ids = claims.map((c) => c.id);
    const refusedIds = claims.filter((c) => REFUSED.includes(c.status)).map((c) => c.id);
    const [decisions, ledger, refusals] = await Promise.all([
      this.db
        .getRepository(ClaimDecisionEntity)
        .createQueryBuilder('d')
        .innerJoin(ClaimEntity, 'c', 'c.id = d.claim_id AND c.revision = d.revision')
        .where('d.claim_id IN (:...ids)', { ids })
        .getMany(),
      this.db
        .getRepository(LedgerOutboxEntity)
        .createQueryBuilder('o')
        .innerJoin(ClaimEntity, 'c', 'c.id = o.claim_id AND c.revision = o.revision')
        .where("o.claim_id IN (:...ids) AND o.kind = 'decision' AND o.committed_at IS NOT NULL", { ids })
        .getMany(),
      this.refusals(refusedIds),
    ]);
    const views = claims.map((c) => {
      const d = decisions.find((x) => x.claimId === c.id);
      const l = ledger.find((x) => x.claimId === c.id && RECORDED.includes(x.outcome ?? ''));
      return {
        id: c.id,
        externalRef: c.externalRef,
        status: c.status,
        revision: c.revision,
        providerId: c.providerId,
        payerId: c.payerId,
        memberId: c.memberId,
        planVersionId: c.planVersionId,
        serviceDate: c.serviceDate,
        careType: c.careType,
        previousClaimId: c.previousClaimId,
        currency: c.currency,
        diagnoses: c.diagnoses,
        lines: c.lines.map(({ lineNo, serviceCode, quantity, unitPrice, preauthRef }) => ({
          lineNo,
          serviceCode,
          quantity,
          unitPrice,
          preauthRef,
        })),
        decision: d ? { revision: d.revision, ...storedDecision(d), note: d.note } : null,
        ledger:
          l && l.txId !== null && l.blockNumber !== null ? { txId: l.txId, block: l.blockNumber } : null,
        ledgerRefusal: REFUSED.includes(c.status) ? (refusals.get(c.id) ?? null) : null,
        error: c.status === 'error' ? claimError(c.lastError) : null,
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
      };
    });
    return this.integrity.claims(views);
  }

  /** The latest refusal of each claim, from the events the ledger's verdicts wrote. */
  private async refusals(ids: string[]): Promise<Map<string, ClaimView['ledgerRefusal']>> {
    if (ids.length === 0) return new Map();
    const rows: { claim_id: string; code: string; message: string; at: Date }[] = await this.db.query(
      `SELECT DISTINCT ON (claim_id) claim_id, detail ->> 'code' AS code, detail ->> 'message' AS message, at
         FROM claim_events
        WHERE claim_id = ANY($1::uuid[]) AND to_status = ANY($2::text[]) AND detail ? 'code'
        ORDER BY claim_id, id DESC`,
      [ids, REFUSED],
    );
    return new Map(
      rows.map((r) => [r.claim_id, { code: r.code, message: r.message, at: r.at.toISOString() }]),
    );
  }
}

const REFUSED: readonly ClaimStatus[] = [ClaimStatus.PaymentRefused, ClaimStatus.DecisionRefused];
const RECORDED = ['recorded', 'unchanged'];

/**
 * A claim's failure as callers see it. A refusal by the platform's own rules keeps its stable code
 * (the worker stores it as `code: message`); anything else (a database, network or program error,
 * whose text may name hosts, tables or values) is `adjudication_failed`.
 */
function claimError(stored: string | null): { code: string; message: string } {
  const code = /^([a-z_]+): /.exec(stored ?? '')?.[1];
  if (code && KNOWN_CODES.has(code))
    return { code, message: `adjudication refused the claim (${code}); the operator's log has the details` };
  return {
    code: 'adjudication_failed',
    message: "adjudication failed after its retries; the operator's log has the details",
  };
}

const KNOWN_CODES = new Set<string>([...Object.values(AppErrorCode), ...Object.values(DomainErrorCode)]);

function encodeCursor(c: ClaimEntity): string {
  return Buffer.from(c.id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return id;
  throw invalidCursor();
}

function invalidCursor(): AppError {
  return new AppError(AppErrorCode.InvalidCursor, 'cursor is not one this API issued', [
    { field: 'cursor', rule: 'must be a cursor returned by a previous page' },
  ]);
}
