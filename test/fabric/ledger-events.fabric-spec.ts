import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  FabricLedger,
  loadFabricNetworkConfig,
  type DecisionEvent,
  type DecisionRecord,
} from '@claimtrail/ledger';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { LedgerEventsService } from '@claimtrail/claims/ledger-sync/ledger-events.service';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { Metrics } from '@claimtrail/claims/observability/metrics';

/**
 * The relay dies after Fabric committed a batch but before it marked the outbox: the decision
 * events confirm those rows instead, and a follower restarted from its checkpoint misses nothing
 * and repeats nothing.
 */
describe('decision events on Fabric, with a persisted checkpoint', () => {
  let db: DataSource;
  let ledger: FabricLedger;
  let events: LedgerEventsService;
  const payer = signingIdentity({ orgId: randomUUID(), kind: 'payer' });

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(), DATABASE_POOL_SIZE: 2 });
    ledger = new FabricLedger(loadFabricNetworkConfig(process.env.FABRIC_NETWORK_CONFIG!));
    events = new LedgerEventsService(db, ledger, new Metrics());
  });

  afterAll(async () => {
    ledger?.close();
    await db?.destroy();
  });

  /** Outbox rows as the worker writes them, then recorded on the ledger behind the relay's back. */
  async function recordedBehindTheRelay(n: number): Promise<{ records: DecisionRecord[]; txId: string }> {
    const records = Array.from({ length: n }, () => decisionRecord({ payerId: payer.orgId }));
    await db.query(
      `INSERT INTO ledger_outbox (kind, claim_id, revision, signer_org_id, record)
       SELECT 'decision', r.claim_id, 1, $2, '{}'::jsonb FROM unnest($1::uuid[]) AS r(claim_id)`,
      [records.map((r) => r.claimId), payer.orgId],
    );
    const receipts = await ledger.recordDecisions(records, payer);
    return { records, txId: receipts[0].txId };
  }

  /** Reads events from the stored checkpoint, confirming each, until `txId`'s; returns those read. */
  async function followUntil(txId: string): Promise<DecisionEvent[]> {
    const seen: DecisionEvent[] = [];
    const stream = await events.open(0);
    try {
      for await (const event of stream) {
        await events.confirm(event);
        seen.push(event);
        if (event.txId === txId) break;
      }
    } finally {
      stream.close();
    }
    return seen;
  }

  const outbox = (records: DecisionRecord[]) =>
    db.query(
      `SELECT claim_id, outcome, tx_id, block_number::int AS block FROM ledger_outbox
        WHERE claim_id = ANY($1::uuid[]) ORDER BY claim_id`,
      [records.map((r) => r.claimId)],
    ) as Promise<{ claim_id: string; outcome: string | null; tx_id: string | null; block: number | null }[]>;

  it('confirms outbox rows from the events, and resumes after its checkpoint', async () => {
    const first = await recordedBehindTheRelay(5);
    expect((await outbox(first.records)).every((r) => r.outcome === null)).toBe(true);
    const seen = await followUntil(first.txId);
    const event = seen.at(-1)!;
    expect(event.records.map((r) => r.claimId).sort()).toEqual(first.records.map((r) => r.claimId).sort());
    const rows = await outbox(first.records);
    expect(rows.map((r) => [r.outcome, r.tx_id, r.block])).toEqual(
      rows.map(() => ['recorded', first.txId, event.blockNumber]),
    );
    expect(await events.checkpoint()).toEqual({ blockNumber: event.blockNumber, txId: first.txId });

    // Stopped here; two more batches land meanwhile. The restarted follower starts right after
    // the first batch's event: it sees exactly the two new ones.
    const second = await recordedBehindTheRelay(3);
    const third = await recordedBehindTheRelay(4);
    const resumed = await followUntil(third.txId);
    const ours = resumed.filter((e) => [first.txId, second.txId, third.txId].includes(e.txId));
    expect(ours.map((e) => e.txId)).toEqual([second.txId, third.txId]);
    for (const batch of [second, third]) {
      expect((await outbox(batch.records)).map((r) => [r.outcome, r.tx_id])).toEqual(
        batch.records.map(() => ['recorded', batch.txId]),
      );
    }
    // Applying an event again changes nothing.
    expect(await events.confirm(resumed.at(-1)!)).toBe(0);
  });
});
