import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  LEDGER,
  type DecisionEvent,
  type DecisionEventStream,
  type EventCheckpoint,
  type LedgerPort,
} from '@claimtrail/ledger';
import { Metrics } from '../observability/metrics';
import { applyLedgerVerdicts } from './ledger-verdicts';

const CONSUMER = 'decisions';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Follows the ledger's decision events and confirms from them the outbox rows they record.
 * Normally the relay has marked those rows already (this is a no-op); after the relay died
 * between the ledger's commit and its own update, the event marks the row instead of a resubmit.
 * The checkpoint moves in the same transaction as the rows, so a restart resumes right after the
 * last event dealt with: none is missed, none is applied twice.
 */
@Injectable()
export class LedgerEventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly metrics: Metrics,
  ) {}

  /** Whether the configured ledger has events to follow. */
  get supported(): boolean {
    return typeof this.ledger.decisionEvents === 'function';
  }

  /** The last event dealt with, or null before the first. */
  async checkpoint(): Promise<EventCheckpoint | null> {
    const rows: { block_number: string; tx_id: string }[] = await this.db.query(
      `SELECT block_number, tx_id FROM ledger_event_checkpoints WHERE consumer = $1`,
      [CONSUMER],
    );
    return rows[0] ? { blockNumber: Number(rows[0].block_number), txId: rows[0].tx_id } : null;
  }

  /** Opens the event stream after the stored checkpoint. */
  async open(attempt: number): Promise<DecisionEventStream> {
    if (!this.ledger.decisionEvents) throw new Error('the configured ledger has no events');
    return this.ledger.decisionEvents(await this.checkpoint(), attempt);
  }

  /**
   * Marks the event's outbox rows recorded (if they are not yet) and moves the checkpoint; returns
   * rows marked. Rows another transaction holds are left alone: that is the relay marking them
   * itself, and waiting for it could deadlock (both update the same rows, in different orders). If
   * that transaction rolls back instead, the relay resubmits those rows and the ledger answers
   * `unchanged` with this transaction, so nothing is lost.
   */
  async confirm(event: DecisionEvent): Promise<number> {
    const records = event.records.filter((r) => UUID.test(r.claimId));
    return this.db.transaction(async (em) => {
      const marked: { claim_id: string; revision: number; attempts: number }[] = await em.query(
        `WITH due AS (
           SELECT o.id FROM ledger_outbox o
             JOIN unnest($1::uuid[], $2::int[]) AS r(claim_id, revision)
               ON o.claim_id = r.claim_id AND o.revision = r.revision
            WHERE o.kind = 'decision' AND o.committed_at IS NULL
              FOR UPDATE OF o SKIP LOCKED),
         m AS (
           UPDATE ledger_outbox o
              SET committed_at = now(), outcome = 'recorded', tx_id = $3, block_number = $4,
                  attempts = o.attempts + 1, last_error = NULL
             FROM due WHERE o.id = due.id
           RETURNING o.claim_id, o.revision, o.attempts - 1 AS attempts)
         SELECT claim_id, revision, attempts FROM m`,
        [records.map((r) => r.claimId), records.map((r) => r.revision), event.txId, event.blockNumber],
      );
      await em.query(
        `INSERT INTO ledger_event_checkpoints (consumer, block_number, tx_id) VALUES ($1, $2, $3)
         ON CONFLICT (consumer) DO UPDATE
           SET block_number = excluded.block_number, tx_id = excluded.tx_id, updated_at = now()`,
        [CONSUMER, event.blockNumber, event.txId],
      );
      // A decision recorded after a retry settles its refused claim, whichever of relay and event marks it.
      await applyLedgerVerdicts(em, {
        refused: [],
        recordedAgain: marked
          .filter((r) => r.attempts > 0)
          .map((r) => ({ claimId: r.claim_id, revision: r.revision })),
      });
      this.metrics.ledgerEvents.inc();
      if (marked.length > 0) this.metrics.ledgerRecords.inc({ outcome: 'confirmed_by_event' }, marked.length);
      return marked.length;
    });
  }
}
