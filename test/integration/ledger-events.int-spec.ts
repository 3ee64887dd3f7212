import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LedgerEventsService } from '@claimtrail/claims/ledger-sync/ledger-events.service';
import { organizationsServiceOn } from '@claimtrail/claims/infra/repositories/access-on-data-source';
import { Metrics } from '@claimtrail/claims/observability/metrics';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { testLedger } from '../support/ledger-database';

/**
 * Confirming outbox rows from a ledger event, against PostgreSQL: what the relay's event follower
 * does on Fabric. The ledger itself plays no part in it.
 */
describe('LedgerEventsService.confirm', () => {
  let db: DataSource;
  let events: LedgerEventsService;
  // The organization that signed the rows, as the relay would find it.
  let signer: string;

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(), DATABASE_POOL_SIZE: 4 });
    events = new LedgerEventsService(db, testLedger(db), new Metrics());
    signer = (await organizationsServiceOn(db).create('payer', 'Ledger events payer')).organization.id;
  });
  afterAll(() => db.destroy());

  async function pendingRows(n: number): Promise<string[]> {
    const claimIds = Array.from({ length: n }, () => randomUUID());
    await db.query(
      `INSERT INTO ledger_outbox (kind, claim_id, revision, signer_org_id, record)
       SELECT 'decision', r.claim_id, 1, $2, '{}'::jsonb FROM unnest($1::uuid[]) AS r(claim_id)`,
      [claimIds, signer],
    );
    return claimIds;
  }

  const outcomes = (claimIds: string[]) =>
    db.query(
      `SELECT claim_id, outcome, tx_id FROM ledger_outbox WHERE claim_id = ANY($1::uuid[]) ORDER BY claim_id`,
      [claimIds],
    ) as Promise<{ claim_id: string; outcome: string | null; tx_id: string | null }[]>;

  it('marks the rows no one holds and leaves those the relay is updating, without waiting for it', async () => {
    const [held, free] = await pendingRows(2);
    const event = {
      blockNumber: 1_000_000 + Math.floor(Math.random() * 1_000_000),
      txId: randomUUID(),
      records: [held, free].map((claimId) => ({ claimId, revision: 1 })),
    };
    const relay = db.createQueryRunner();
    await relay.connect();
    await relay.startTransaction();
    try {
      // The relay's own update of `held`, not yet committed.
      await relay.query(
        `UPDATE ledger_outbox SET committed_at = now(), outcome = 'recorded', tx_id = 'relay'
          WHERE claim_id = $1`,
        [held],
      );
      // Waiting on the relay's row lock here would never end: the relay commits only afterwards.
      expect(await events.confirm(event)).toBe(1);
      expect(await events.checkpoint()).toEqual({ blockNumber: event.blockNumber, txId: event.txId });
      await relay.commitTransaction();
    } finally {
      if (relay.isTransactionActive) await relay.rollbackTransaction();
      await relay.release();
    }
    const rows = await outcomes([held, free]);
    expect(Object.fromEntries(rows.map((r) => [r.claim_id, [r.outcome, r.tx_id]]))).toEqual({
      [held]: ['recorded', 'relay'],
      [free]: ['recorded', event.txId],
    });
  });

  it('changes nothing when an event is applied again', async () => {
    const claimIds = await pendingRows(3);
    const event = {
      blockNumber: 1,
      txId: randomUUID(),
      records: claimIds.map((claimId) => ({ claimId, revision: 1 })),
    };
    expect(await events.confirm(event)).toBe(3);
    expect(await events.confirm(event)).toBe(0);
    expect((await outcomes(claimIds)).map((r) => r.tx_id)).toEqual(claimIds.map(() => event.txId));
  });
});
