import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import {
  LEDGER,
  LedgerError,
  type DecisionRecord,
  type LedgerPort,
  type LedgerReceipt,
  type PaymentRecord,
} from '@claimtrail/ledger';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LedgerOutboxEntity } from '../infra/entities';
import { Metrics } from '../observability/metrics';
import { applyLedgerVerdicts, noVerdicts, type LedgerVerdicts } from './ledger-verdicts';
import { OrganizationsService } from '../access/organizations.service';

/**
 * Advisory lock the relay holds while it writes to the ledger and marks the outbox. Any constant
 * works; it only has to be the same in every worker process.
 */
export const RELAY_LOCK_KEY = 7_463_517_001;

/** Result of one drain pass. */
export interface DrainResult {
  /** False when another process holds the relay lock. */
  acquired: boolean;
  /** Records now on the ledger (including ones found already there). */
  committed: number;
  /** Records the ledger could not take this time (transient); they stay pending. */
  failed: number;
  /** Records the chaincode refused outright; kept off the ledger with the reason, never retried. */
  rejected: number;
}

type GroupResult = Omit<DrainResult, 'acquired'>;

/**
 * Moves decision records from the PostgreSQL outbox to the ledger in batches, oldest first.
 * One relay drains at a time across all worker processes (an advisory lock), so records reach
 * the ledger in outbox order; a record already on the ledger comes back `unchanged`, which makes
 * a retry after a crash between the ledger commit and the outbox update harmless. A record the
 * chaincode refuses (or finds a different record under its key) is set aside, and its claim
 * shows the refusal in the same transaction (see applyLedgerVerdicts).
 */
@Injectable()
export class LedgerRelayService {
  private readonly logger = new Logger(LedgerRelayService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orgs: OrganizationsService,
    private readonly metrics: Metrics,
  ) {}

  /** Drains at most one batch (LEDGER_BATCH_SIZE records). */
  async drainOnce(): Promise<DrainResult> {
    return this.db.transaction(async (em) => {
      const [{ locked }] = (await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        RELAY_LOCK_KEY,
      ])) as {
        locked: boolean;
      }[];
      if (!locked) return { acquired: false, committed: 0, failed: 0, rejected: 0 };
      const size = this.config.LEDGER_BATCH_SIZE;
      const rows = await em.find(LedgerOutboxEntity, {
        where: { committedAt: IsNull() },
        order: { id: 'ASC' },
        take: size * this.config.LEDGER_BATCHES_IN_FLIGHT,
      });
      const total: GroupResult = { committed: 0, failed: 0, rejected: 0 };
      const add = (r: GroupResult) => {
        total.committed += r.committed;
        total.failed += r.failed;
        total.rejected += r.rejected;
      };
      const groups = groupBySigner(rows).flatMap((group) => chunks(group, size));
      const verdicts = noVerdicts();
      // Decisions touch only their own claims' keys, so with LEDGER_BATCHES_IN_FLIGHT > 1 their
      // batches go to the ledger together, unless a claim has two revisions in this pass: then in
      // turn, so they land in order.
      const decisionGroups = groups.filter((g) => g[0].kind === 'decision');
      const decisions: { g: LedgerOutboxEntity[]; r: GroupResult }[] = [];
      if (this.config.LEDGER_BATCHES_IN_FLIGHT === 1 || hasRepeatedClaim(decisionGroups.flat())) {
        for (const g of decisionGroups) decisions.push({ g, r: await this.submitGroup(em, g, verdicts) });
      } else {
        decisions.push(
          ...(await Promise.all(
            decisionGroups.map(async (g) => ({ g, r: await this.submitGroup(em, g, verdicts) })),
          )),
        );
      }
      const stalled = new Set<string>();
      for (const { g, r } of decisions) {
        if (r.failed > 0) stalled.add(g[0].signerOrgId);
        add(r);
      }
      // Payments draw on shared fund balances: one batch at a time, after the decisions they pay.
      for (const group of groups.filter((g) => g[0].kind === 'payment')) {
        // A payment needs its decision on the ledger: if that signer's decisions could not be
        // written in this pass, its payments wait for the next one.
        if (stalled.has(group[0].signerOrgId)) {
          total.failed += group.length;
          continue;
        }
        add(await this.submitGroup(em, group, verdicts));
      }
      await applyLedgerVerdicts(em, verdicts);
      return { acquired: true, ...total };
    });
  }

  private async submitGroup(
    em: EntityManager,
    rows: LedgerOutboxEntity[],
    verdicts: LedgerVerdicts,
  ): Promise<GroupResult> {
    const signer = await this.orgs.signingIdentity(rows[0].signerOrgId);
    const timer = this.metrics.ledgerCommitSeconds.startTimer({ ledger: this.config.LEDGER });
    let receipts: LedgerReceipt[];
    try {
      receipts =
        rows[0].kind === 'payment'
          ? await this.ledger.recordPayments(
              rows.map((r) => r.record as PaymentRecord),
              signer,
            )
          : await this.ledger.recordDecisions(
              rows.map((r) => r.record as DecisionRecord),
              signer,
            );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof LedgerError && err.code === 'CHAINCODE_REJECTED') {
        // One bad record must not hold back the others: find it by submitting one at a time.
        if (rows.length > 1) return this.submitOneByOne(em, rows, verdicts);
        this.logger.error(`chaincode refused the record of claim ${rows[0].claimId}: ${message}`);
        verdicts.refused.push({ row: rows[0], code: err.chaincodeCode ?? err.code, message });
        this.metrics.ledgerRecords.inc({ outcome: 'rejected' });
        await em.update(
          LedgerOutboxEntity,
          { id: rows[0].id },
          {
            committedAt: new Date(),
            outcome: 'rejected',
            attempts: rows[0].attempts + 1,
            lastError: message.slice(0, 1000),
          },
        );
        return { committed: 0, failed: 0, rejected: 1 };
      }
      this.logger.warn(`ledger did not take a batch of ${rows.length} records: ${message}`);
      await em
        .createQueryBuilder()
        .update(LedgerOutboxEntity)
        .set({ attempts: () => 'attempts + 1', lastError: message.slice(0, 1000) })
        .whereInIds(rows.map((r) => r.id))
        .execute();
      return { committed: 0, failed: rows.length, rejected: 0 };
    }
    timer();
    const byKey = new Map(receipts.map((r) => [`${r.claimId}/${r.revision}`, r]));
    const marks = rows.map((row) => {
      const receipt = byKey.get(`${row.claimId}/${row.revision}`);
      if (!receipt)
        throw new Error(`ledger returned no receipt for claim ${row.claimId} revision ${row.revision}`);
      if (receipt.outcome === 'conflict') {
        const message = `the ledger holds a different ${row.kind} record for claim ${row.claimId} revision ${row.revision} (transaction ${receipt.txId})`;
        this.logger.error(message);
        verdicts.refused.push({ row, code: 'CONFLICT', message });
      } else if (row.kind === 'decision' && row.attempts > 0) {
        verdicts.recordedAgain.push({ claimId: row.claimId, revision: row.revision });
      }
      this.metrics.ledgerRecords.inc({ outcome: receipt.outcome });
      return { row, receipt };
    });
    // Every row of the batch marked in one statement.
    await em.query(
      `UPDATE ledger_outbox o
          SET committed_at = now(), outcome = m.outcome, tx_id = m.tx_id, block_number = m.block_number,
              attempts = o.attempts + 1,
              last_error = CASE WHEN m.outcome = 'conflict'
                                THEN 'ledger holds a different record for this revision' END
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS m(id, outcome, tx_id, block_number)
        WHERE o.id = m.id`,
      [
        marks.map((m) => m.row.id),
        marks.map((m) => m.receipt.outcome),
        marks.map((m) => m.receipt.txId),
        marks.map((m) => m.receipt.blockNumber),
      ],
    );
    return { committed: rows.length, failed: 0, rejected: 0 };
  }

  private async submitOneByOne(
    em: EntityManager,
    rows: LedgerOutboxEntity[],
    verdicts: LedgerVerdicts,
  ): Promise<GroupResult> {
    const total: GroupResult = { committed: 0, failed: 0, rejected: 0 };
    for (const row of rows) {
      const r = await this.submitGroup(em, [row], verdicts);
      total.committed += r.committed;
      total.failed += r.failed;
      total.rejected += r.rejected;
    }
    return total;
  }

  /** Records not yet on the ledger. */
  async pendingCount(): Promise<number> {
    return this.db.getRepository(LedgerOutboxEntity).count({ where: { committedAt: IsNull() } });
  }
}

/**
 * Groups rows by record kind and signing organization, keeping outbox order inside each group
 * (a claim has one payer, and its decision always precedes its payment in the outbox).
 */
function groupBySigner(rows: LedgerOutboxEntity[]): LedgerOutboxEntity[][] {
  const groups = new Map<string, LedgerOutboxEntity[]>();
  for (const row of rows) {
    const group = groups.get(`${row.kind}:${row.signerOrgId}`);
    if (group) group.push(row);
    else groups.set(`${row.kind}:${row.signerOrgId}`, [row]);
  }
  // Decisions first: a payment row always follows its decision row in the outbox.
  return [...groups.values()].sort(
    (a, b) => Number(a[0].kind === 'payment') - Number(b[0].kind === 'payment'),
  );
}

/** `rows` in consecutive pieces of at most `size`. */
function chunks<T>(rows: T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let i = 0; i < rows.length; i += size) pieces.push(rows.slice(i, i + size));
  return pieces;
}

/** Whether any claim has more than one row. */
function hasRepeatedClaim(rows: LedgerOutboxEntity[]): boolean {
  return new Set(rows.map((r) => r.claimId)).size < rows.length;
}
