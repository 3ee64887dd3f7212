import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  LEDGER,
  LedgerError,
  type ClaimRecords,
  type IntegrityCursor,
  type LedgerPort,
} from '@claimtrail/ledger';
import { ReconciliationRepository } from '../../infra/repositories/reconciliation.repository';
import { Metrics } from '../../observability/metrics';
import { RELAY_LOCK_KEY } from '../ledger-relay.service';
import {
  compareClaim,
  compareFund,
  type DatabaseClaim,
  type Difference,
  type SubjectType,
} from './compare-records';

/** Claims compared per round trip to each store (the ledger answers at most 1,000 at once). */
export const RECONCILE_PAGE = 1_000;
// Funds read from the ledger at once.
const FUND_READS = 16;

/** Where incremental passes start: the PostgreSQL horizon, and the ledger store check's own cursor. */
export interface ReconcileCursor {
  horizon: string | null;
  ledger: IntegrityCursor | null;
}

/** What one pass compared and found. */
export interface ReconcileReport {
  mode: 'full' | 'incremental';
  claims: number;
  funds: number;
  /** Ledger records compared: decision revisions, payments, allocations and funds. */
  records: number;
  /** Blocks and world-state rows the ledger's own integrity check verified. */
  ledgerChecked: number;
  /** Seconds the ledger's own integrity check took, part of `seconds`. */
  ledgerSeconds: number;
  differences: Difference[];
  /** Differences not open before this pass. */
  opened: number;
  seconds: number;
}

/**
 * Holds PostgreSQL against the ledger: every decision, payment, allocation and fund balance is
 * compared with its ledger record, and each difference is recorded (claim or fund, field, both
 * figures) until a later pass no longer finds it. A full pass compares everything; an incremental
 * pass compares what any PostgreSQL transaction changed since the last pass (records that landed
 * on the ledger included), the subjects still open, and whatever the ledger's own integrity check
 * finds in its store.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);
  private cursor: ReconcileCursor | null = null;
  // Claims whose ledger records the last store check found in doubt: the next pass reads them again.
  private concernedByLedger: string[] = [];
  // Subjects this process found differing and not yet agreeing again (`claim:<id>`, `fund:<id>`): every
  // pass compares them, so deleting their rows from integrity_mismatches hides nothing for long.
  private readonly differing = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly repo: ReconciliationRepository,
    private readonly metrics: Metrics,
  ) {}

  /** Whether a pass has run in this process, so an incremental one has somewhere to start. */
  get started(): boolean {
    return this.cursor?.horizon != null;
  }

  /** Compares every claim and fund with the ledger, every ledger row read vouched for by its chain. */
  async full(onProgress?: (claims: number) => void): Promise<ReconcileReport> {
    const started = process.hrtime.bigint();
    const horizon = await this.repo.horizon();
    const report = newReport('full');
    const openBefore = new Set((await this.repo.openSubjects()).map((s) => s.id));
    let after: string | null = null;
    // The next page is read from both stores while this one is compared and recorded.
    let next = this.readPage(() => this.repo.claimsAfter(after, RECONCILE_PAGE));
    for (;;) {
      const page = await next;
      if (page.claims.length === 0) break;
      after = page.claims[page.claims.length - 1].id;
      next = this.readPage(() => this.repo.claimsAfter(after, RECONCILE_PAGE));
      await this.comparePage(page, report, openBefore);
      onProgress?.(report.claims);
    }
    await this.reconcileFunds(undefined, report);
    return this.finish(report, started, { horizon });
  }

  /** Compares what changed since the last pass; the first pass in a process is a full one. */
  async incremental(): Promise<ReconcileReport> {
    const since = this.cursor?.horizon;
    if (!since) return this.full();
    const started = process.hrtime.bigint();
    const report = newReport('incremental');
    const changes = await this.repo.changedSince(since);
    const open = [...(await this.repo.openSubjects()), ...this.remembered()];
    const openBefore = new Set(open.map((s) => s.id));
    const idsOf = (type: SubjectType) => open.filter((s) => s.type === type).map((s) => s.id);
    const claimIds = union(union(changes.claimIds, idsOf('claim')), this.concernedByLedger);
    this.concernedByLedger = [];
    const fundIds = union(changes.fundIds, idsOf('fund'));
    for (let i = 0; i < claimIds.length; i += RECONCILE_PAGE) {
      const ids = claimIds.slice(i, i + RECONCILE_PAGE);
      await this.comparePage(await this.readPage(() => this.repo.claims(ids)), report, openBefore);
    }
    if (fundIds.length > 0) await this.reconcileFunds(fundIds, report);
    return this.finish(report, started, { horizon: changes.horizon });
  }

  /** An incremental pass from the cursor the last pass stored (for a one-off run); full when there is none. */
  async fromStoredCursor(): Promise<ReconcileReport> {
    this.cursor = await this.repo.storedCursor<ReconcileCursor>();
    return this.incremental();
  }

  /**
   * Checks the ledger's own store, where the ledger has such a check: from scratch the first time
   * and when `full`, otherwise what changed since the last check. Differences it finds are ledger
   * subjects; only a full check clears them.
   */
  async checkLedgerStore(full = false): Promise<ReconcileReport> {
    const started = process.hrtime.bigint();
    const report = newReport(full || !this.cursor?.ledger ? 'full' : 'incremental');
    const ledger = await this.checkLedger(full ? null : (this.cursor?.ledger ?? null), report);
    return this.finish(report, started, { ledger });
  }

  private async readPage(read: () => Promise<DatabaseClaim[]>): Promise<Page> {
    // PostgreSQL first: a record that lands on the ledger after this read is simply not expected yet.
    const claims = await read();
    return { claims, ledger: await this.ledgerRecords(claims.map((c) => c.id)) };
  }

  /**
   * The ledger's records of these claims. A record the ledger's own store cannot vouch for fails a
   * whole read, so the page is read again claim by claim to name the claims it concerns.
   */
  private async ledgerRecords(ids: string[]): Promise<Map<string, ClaimRecords | Error>> {
    const byClaim = new Map<string, ClaimRecords | Error>();
    if (ids.length === 0) return byClaim;
    try {
      for (const r of await this.ledger.claimRecords(ids)) byClaim.set(r.claimId, r);
    } catch (err) {
      if (!(err instanceof LedgerError) || err.code !== 'INTEGRITY_VIOLATION') throw err;
      for (const id of ids) {
        try {
          const [r] = await this.ledger.claimRecords([id]);
          if (r) byClaim.set(id, r);
        } catch (one) {
          if (!(one instanceof LedgerError) || one.code !== 'INTEGRITY_VIOLATION') throw one;
          byClaim.set(id, one);
        }
      }
    }
    return byClaim;
  }

  /** Compares a page and records what differs; `openBefore`: subjects open when the pass began. */
  private async comparePage(page: Page, report: ReconcileReport, openBefore: Set<string>): Promise<void> {
    let found = this.compare(page.claims, page.ledger);
    // PostgreSQL was read before the ledger, so a claim that moved on in between (decided or paid,
    // then recorded) looks different. Read again, after the ledger: what still differs is real.
    const differing = [...new Set(found.map((d) => d.subjectId))];
    if (differing.length > 0) {
      const again = await this.repo.claims(differing);
      found = [...found.filter((d) => !differing.includes(d.subjectId)), ...this.compare(again, page.ledger)];
    }
    for (const onLedger of page.ledger.values()) {
      if (onLedger instanceof Error) continue;
      report.records += count(onLedger);
      this.metrics.reconciledRecords.inc({ kind: 'decision' }, onLedger.decisions.length);
      if (onLedger.payment) this.metrics.reconciledRecords.inc({ kind: 'payment' });
      this.metrics.reconciledRecords.inc({ kind: 'allocation' }, onLedger.allocations.length);
    }
    report.claims += page.claims.length;
    // Nothing to open and nothing open to resolve: a page that agrees costs no write.
    const subjects = page.claims.map((c) => ({ type: 'claim' as const, id: c.id }));
    if (found.length > 0 || subjects.some((s) => openBefore.has(s.id)))
      report.opened += await this.repo.record(subjects, found, 'reconciler');
    this.remember(subjects, found);
    report.differences.push(...found);
  }

  /** Keeps in memory which of `subjects` differ now. */
  private remember(
    subjects: readonly { type: SubjectType; id: string }[],
    found: readonly Difference[],
  ): void {
    const now = new Set(found.map((d) => `${d.subjectType}:${d.subjectId}`));
    for (const s of subjects) {
      const key = `${s.type}:${s.id}`;
      if (now.has(key)) this.differing.add(key);
      else this.differing.delete(key);
    }
  }

  private remembered(): { type: SubjectType; id: string }[] {
    return [...this.differing].map((key) => {
      const [type, id] = key.split(':') as [SubjectType, string];
      return { type, id };
    });
  }

  private compare(claims: DatabaseClaim[], ledger: Page['ledger']): Difference[] {
    return claims.flatMap((claim) => {
      const onLedger = ledger.get(claim.id) ?? null;
      return onLedger instanceof Error
        ? [
            {
              subjectType: 'claim' as const,
              subjectId: claim.id,
              field: 'ledger',
              database: null,
              ledger: onLedger.message,
            },
          ]
        : compareClaim(claim, onLedger);
    });
  }

  /** Funds, read from PostgreSQL and the ledger while no payment can land in between. */
  private async reconcileFunds(ids: readonly string[] | undefined, report: ReconcileReport): Promise<void> {
    const found: Difference[] = [];
    const subjects = await this.db.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [RELAY_LOCK_KEY]);
      const funds = await this.repo.funds(em, ids);
      for (let i = 0; i < funds.length; i += FUND_READS) {
        const slice = funds.slice(i, i + FUND_READS);
        const onLedger = await Promise.all(slice.map((f) => this.ledger.getFund(f.id)));
        slice.forEach((f, j) => found.push(...compareFund(f, onLedger[j])));
      }
      return funds.map((f) => ({ type: 'fund' as const, id: f.id }));
    });
    report.funds += subjects.length;
    report.records += subjects.length;
    this.metrics.reconciledRecords.inc({ kind: 'fund' }, subjects.length);
    report.opened += await this.repo.record(subjects, found, 'reconciler');
    this.remember(subjects, found);
    report.differences.push(...found);
  }

  /** Runs the ledger's own integrity check, where it has one, and records what it finds. */
  private async checkLedger(
    since: IntegrityCursor | null,
    report: ReconcileReport,
  ): Promise<IntegrityCursor | null> {
    if (!this.ledger.checkIntegrity) return null;
    const started = process.hrtime.bigint();
    const check = await this.ledger.checkIntegrity(since);
    report.ledgerSeconds += Number(process.hrtime.bigint() - started) / 1e9;
    this.concernedByLedger = union(
      this.concernedByLedger,
      check.problems.flatMap((p) => p.claimIds),
    );
    report.ledgerChecked += check.blocksChecked + check.rowsChecked;
    const found: Difference[] = check.problems.map((p) => ({
      subjectType: 'ledger',
      subjectId: p.subject,
      field: 'integrity',
      database: p.reason,
      ledger: null,
    }));
    // Only a full check clears what an earlier check found: an incremental one looks at changes only.
    const cleared = check.full
      ? (await this.repo.openSubjects()).filter((s) => s.type === 'ledger')
      : found.map((d) => ({ type: 'ledger' as SubjectType, id: d.subjectId }));
    report.opened += await this.repo.record(
      cleared,
      found,
      check.full ? 'ledger-check' : 'ledger-check-incremental',
    );
    report.differences.push(...found);
    return check.cursor;
  }

  private async finish(
    report: ReconcileReport,
    started: bigint,
    cursor: Partial<ReconcileCursor>,
  ): Promise<ReconcileReport> {
    this.cursor = { horizon: null, ledger: null, ...this.cursor, ...cursor };
    await this.repo.storeCursor(this.cursor);
    report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.reconcileSeconds.observe({ mode: report.mode }, report.seconds);
    this.metrics.reconcileLastPass.set({ mode: report.mode }, Date.now() / 1000);
    const counts = await this.repo.openCounts();
    for (const [subject, n] of Object.entries(counts)) this.metrics.integrityMismatches.set({ subject }, n);
    if (report.opened > 0) {
      this.logger.warn(
        `${report.mode} reconciliation found ${report.opened} new difference(s) (${report.differences.length} open): ` +
          report.differences
            .slice(0, 5)
            .map(
              (d) =>
                `${d.subjectType} ${d.subjectId} ${d.field}: database ${String(d.database)}, ledger ${String(d.ledger)}`,
            )
            .join('; '),
      );
    }
    return report;
  }
}

interface Page {
  claims: DatabaseClaim[];
  ledger: Map<string, ClaimRecords | Error>;
}

function newReport(mode: ReconcileReport['mode']): ReconcileReport {
  return {
    mode,
    claims: 0,
    funds: 0,
    records: 0,
    ledgerChecked: 0,
    ledgerSeconds: 0,
    differences: [],
    opened: 0,
    seconds: 0,
  };
}

function count(r: ClaimRecords | null): number {
  return r ? r.decisions.length + (r.payment ? 1 : 0) + r.allocations.length : 0;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
