import { Inject, Injectable } from '@nestjs/common';
import {
  LEDGER,
  LedgerError,
  type ClaimRecords,
  type FundView as LedgerFund,
  type LedgerPort,
} from '@claimtrail/ledger';
import {
  ReconciliationRepository,
  type OpenMismatch,
} from '../../infra/repositories/reconciliation.repository';
import type { Decision } from '../../domain';
import type { IntegrityMismatchView, IntegrityStatus } from '../../common/api-views';

export type { IntegrityMismatchView, IntegrityStatus } from '../../common/api-views';

/** What the API adds to a claim or fund: its integrity, and the differences behind a mismatch. */
export interface WithIntegrity {
  integrity: IntegrityStatus;
  mismatches: IntegrityMismatchView[];
}

/** The part of a claim's view whose figures the ledger holds. */
export interface ClaimFigures {
  id: string;
  revision: number;
  status: string;
  decision: Pick<Decision, 'status' | 'totals' | 'ruleSetHash' | 'decidedAt' | 'decidedBy' | 'lines'> | null;
}

/** The part of a fund's view whose figures the ledger holds. */
export interface FundFigures {
  id: string;
  total: number;
  allocated: number;
  remaining: number;
}

/**
 * Never serves an altered figure as the truth: a claim or fund with open differences is shown with
 * `integrity: "mismatch"`, the differences, and the ledger's figures (read from the ledger, which
 * vouches for them) in place of PostgreSQL's.
 */
@Injectable()
export class IntegrityOverlayService {
  constructor(
    private readonly repo: ReconciliationRepository,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  /** The claims with their integrity, the ledger's figures over any that differ. */
  async claims<V extends ClaimFigures>(views: V[]): Promise<(V & WithIntegrity)[]> {
    const open = group(
      await this.repo.open(
        'claim',
        views.map((v) => v.id),
      ),
    );
    const records = await this.ledgerRecords([...open.keys()]);
    return views.map((view) => {
      const mismatches = open.get(view.id);
      if (!mismatches) return { ...view, integrity: 'ok' as const, mismatches: [] };
      const record = records.get(view.id);
      return {
        ...(record ? withLedgerFigures(view, record) : view),
        integrity: 'mismatch' as const,
        mismatches,
      };
    });
  }

  /** The funds with their integrity, the ledger's balance over one that differs. */
  async funds<V extends FundFigures>(views: V[]): Promise<(V & WithIntegrity)[]> {
    const open = group(
      await this.repo.open(
        'fund',
        views.map((v) => v.id),
      ),
    );
    const onLedger = new Map<string, LedgerFund | null>();
    for (const id of open.keys()) onLedger.set(id, await this.ledger.getFund(id).catch(() => null));
    return views.map((view) => {
      const mismatches = open.get(view.id);
      if (!mismatches) return { ...view, integrity: 'ok' as const, mismatches: [] };
      const fund = onLedger.get(view.id);
      const figures = fund ? { total: fund.total, allocated: fund.allocated, remaining: fund.remaining } : {};
      return { ...view, ...figures, integrity: 'mismatch' as const, mismatches };
    });
  }

  private async ledgerRecords(ids: string[]): Promise<Map<string, ClaimRecords>> {
    const records = new Map<string, ClaimRecords>();
    if (ids.length === 0) return records;
    try {
      for (const r of await this.ledger.claimRecords(ids)) records.set(r.claimId, r);
    } catch (err) {
      // The ledger cannot vouch for its own record: the differences say so, PostgreSQL's figures stay.
      if (!(err instanceof LedgerError) || err.code !== 'INTEGRITY_VIOLATION') throw err;
    }
    return records;
  }
}

/** The view with the decision, status and payment figures the ledger holds for its revision. */
function withLedgerFigures<V extends ClaimFigures>(view: V, records: ClaimRecords): V {
  const record = records.decisions.find((d) => d.revision === view.revision);
  if (!record || !view.decision) return view;
  const lines = new Map(record.lines.map((l) => [l.lineNo, l]));
  const paid = records.payment !== null && records.payment.revision === view.revision;
  const ledgerStatus = paid ? 'paid' : record.status;
  const knownToLedger = ['approved', 'partially_approved', 'rejected', 'pended', 'paid'];
  return {
    ...view,
    status: knownToLedger.includes(view.status) ? (ledgerStatus as V['status']) : view.status,
    decision: {
      ...view.decision,
      status: record.status,
      totals: { ...record.totals },
      ruleSetHash: record.ruleSetHash,
      decidedAt: record.decidedAt,
      decidedBy: record.decidedBy,
      lines: view.decision.lines.map((line) => {
        const l = lines.get(line.lineNo);
        return l
          ? {
              ...line,
              category: l.category,
              claimed: l.claimed,
              approved: l.approved,
              status: l.status,
              reasonCodes: l.reasonCodes as typeof line.reasonCodes,
            }
          : line;
      }),
    },
  };
}

function group(mismatches: OpenMismatch[]): Map<string, IntegrityMismatchView[]> {
  const bySubject = new Map<string, IntegrityMismatchView[]>();
  for (const m of mismatches) {
    const view = {
      field: m.field,
      database: m.database,
      ledger: m.ledger,
      detectedAt: new Date(m.firstDetectedAt).toISOString(),
    };
    const list = bySubject.get(m.subjectId);
    if (list) list.push(view);
    else bySubject.set(m.subjectId, [view]);
  }
  return bySubject;
}
