import { Injectable } from '@nestjs/common';
import { ClaimStatus, DomainErrorCode } from '../domain';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { IntegrityOverlayService } from '../ledger-sync/reconciliation/integrity-overlay.service';
import type { Principal } from '../access/organizations.service';
import type { ClaimView } from '../common/api-views';
import {
  type ClaimRecord,
  ClaimReadsRepository,
  type ClaimScope,
  type CurrentDecision,
} from './claim-reads.repository';

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
    private readonly claims: ClaimReadsRepository,
    private readonly integrity: IntegrityOverlayService,
  ) {}

  /** A claim the caller may see, or NotFound (also for claims of other tenants). */
  async get(principal: Principal, id: string): Promise<ClaimView> {
    const claim = await this.claims.find(scopeOf(principal), id);
    if (!claim) throw new NotFoundError('claim');
    const [view] = await this.views([claim]);
    return view;
  }

  /** Claims the caller may see, newest first, keyset-paginated. */
  async list(
    principal: Principal,
    opts: { status?: ClaimStatus; cursor?: string; limit: number },
  ): Promise<Page<ClaimView>> {
    const scope = scopeOf(principal);
    let afterId: string | undefined;
    if (opts.cursor) {
      afterId = decodeCursor(opts.cursor);
      // The cursor is read through the caller's tenancy: another tenant's claim, or none, is
      // answered exactly as a cursor this API never issued, so a cursor reveals no claim's existence.
      if (!(await this.claims.find(scope, afterId))) throw invalidCursor();
    }
    // One more than a page, to know whether another page follows.
    const rows = await this.claims.list(scope, { status: opts.status, afterId, limit: opts.limit + 1 });
    const items = await this.views(rows.slice(0, opts.limit));
    const last = rows.length > opts.limit ? rows[opts.limit - 1] : null;
    return { items, nextCursor: last ? encodeCursor(last) : null };
  }

  private async views(claims: ClaimRecord[]): Promise<ClaimView[]> {
    if (claims.length === 0) return [];
    const ids = claims.map((c) => c.id);
    const refusedIds = claims.filter((c) => REFUSED.includes(c.status)).map((c) => c.id);
    const [decisions, recorded, refusals] = await Promise.all([
      this.claims.currentDecisions(ids),
      this.claims.recordedDecisions(ids),
      this.claims.latestRefusals(refusedIds, REFUSED),
    ]);
    const decisionOf = new Map(decisions.map((d) => [d.claimId, d]));
    const recordedOf = new Map(recorded.map((r) => [r.claimId, r]));
    const views = claims.map((c) => {
      const decision = decisionOf.get(c.id);
      const onLedger = recordedOf.get(c.id);
      const refusal = REFUSED.includes(c.status) ? refusals.get(c.id) : undefined;
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
        decision: decision ? withoutClaimId(decision) : null,
        ledger: onLedger ? { txId: onLedger.txId, block: onLedger.block } : null,
        ledgerRefusal: refusal
          ? { code: refusal.code, message: refusal.message, at: refusal.at.toISOString() }
          : null,
        error: c.status === 'error' ? claimError(c.lastError) : null,
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
      };
    });
    return this.integrity.claims(views);
  }
}

/** Whose claims a principal reads: a provider its own, a payer those it pays; nobody else reads claims. */
function scopeOf(principal: Principal): ClaimScope {
  if (principal.kind === 'provider' || principal.kind === 'payer')
    return { party: principal.kind, orgId: principal.orgId };
  throw new AppError(AppErrorCode.Forbidden, `a ${principal.kind} organization cannot read claims`);
}

/** The decision as a claim view shows it: its revision first, the claim's id left out. */
function withoutClaimId({
  claimId: _claimId,
  revision,
  note,
  ...decision
}: CurrentDecision): ClaimView['decision'] {
  return { revision, ...decision, note };
}

const REFUSED: readonly ClaimStatus[] = [ClaimStatus.PaymentRefused, ClaimStatus.DecisionRefused];

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

function encodeCursor(c: ClaimRecord): string {
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
