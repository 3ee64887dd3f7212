import { startRig, type Rig } from './support/fault-rig';
import {
  acceptedIds,
  expectAllAccepted,
  expectNothingLost,
  expectOutboxHeldAndRetried,
  pendingEverySecond,
} from './support/invariants';

/**
 * The embedded ledger's store refuses every new block for 30 seconds (a trigger that fails each
 * insert, as a stopped peer fails each submission): decisions wait in the outbox and then commit,
 * in order, once; nothing is recorded twice.
 */
describe('fault: ledger unavailable for 30 seconds', () => {
  let rig: Rig;
  const refuse = async () => {
    await rig.db.query(`
      CREATE OR REPLACE FUNCTION fault_ledger_unavailable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger store unavailable (fault injected)'; END $$`);
    await rig.db.query(`
      CREATE TRIGGER fault_ledger_unavailable BEFORE INSERT ON ledger_blocks
      FOR EACH STATEMENT EXECUTE FUNCTION fault_ledger_unavailable()`);
  };
  const restore = () => rig.db.query(`DROP TRIGGER IF EXISTS fault_ledger_unavailable ON ledger_blocks`);

  beforeAll(async () => {
    rig = await startRig('ledger-outage');
  });

  afterAll(async () => {
    if (rig) await restore().catch(() => undefined);
    await rig?.close();
  });

  it('holds decisions in the outbox and records each once, in order, when the ledger returns', async () => {
    const [subs, outage] = await rig.loadDuring(
      async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        await refuse();
        const pending = await pendingEverySecond(rig.db, 30);
        const [{ head, at }] = await rig.db.query(
          `SELECT block_number::int AS head, now() AS at FROM ledger_head`,
        );
        await restore();
        await new Promise((r) => setTimeout(r, 3_000));
        return { pending, head: head as number, restoredAt: at as Date };
      },
      // A slower load: the backlog lands in the largest blocks, whose proofs cost the audit most.
      { shape: { kind: 'open', rate: 60 } },
    );
    const { pending } = outage;

    // The outbox grew while the ledger refused, and the relay tried again (a success counts one attempt).
    await expectOutboxHeldAndRetried(rig.db, pending);

    // The ledger is behind the outbox: clinics were answered 202 throughout.
    expectAllAccepted(subs);
    await expectNothingLost(rig, 'ledger unavailable 30 s', acceptedIds(subs));

    // The backlog drained in outbox order: of the rows written while the ledger refused (all long
    // committed when it returned), none landed in an earlier block than the row before it. Rows
    // still being written at that moment may overtake each other; order is promised per claim.
    const [{ inversions, backlog }] = await rig.db.query(
      `SELECT count(*) FILTER (WHERE block_number < prev)::int AS inversions, count(*)::int AS backlog
         FROM (SELECT block_number, lag(block_number) OVER (ORDER BY id) AS prev
                 FROM ledger_outbox
                WHERE block_number > $1 AND created_at < $2::timestamptz - interval '2 seconds') o`,
      [outage.head, outage.restoredAt],
    );
    expect(backlog).toBeGreaterThan(0);
    expect(inversions).toBe(0);
  });
});
