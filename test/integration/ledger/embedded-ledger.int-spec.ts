import type { DataSource } from 'typeorm';
import { connect, privateLedger, tag, testLedger, trustOf } from '../../support/ledger-database';
import { EmbeddedLedger, LedgerError, verifyProofBundle, type SigningIdentity } from '@claimtrail/ledger';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';

/**
 * What only the embedded ledger does, against the run's migrated database, which other suites may
 * be writing to; what every ledger does is the LedgerPort contract (embedded-ledger-contract.int-spec.ts).
 */
describe('EmbeddedLedger on PostgreSQL', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  let payer: SigningIdentity;
  const rec = (o = {}) => decisionRecord({ payerId: payer.orgId, ...o });

  beforeAll(async () => {
    db = await connect();
    ledger = testLedger(db);
    payer = signingIdentity({ orgId: `payer-${tag()}` });
  });
  afterAll(() => db.destroy());

  it('stores a batch as one signed transaction, alone in its new block', async () => {
    const receipts = await ledger.recordDecisions([rec(), rec({ revision: 3 })], payer);
    const [{ txId, blockNumber }] = receipts;
    const [row] = (await db.query(
      `SELECT b.tx_count, t.tx_index, t.creator_org_id, t.function_name FROM ledger_transactions t
       JOIN ledger_blocks b ON b.number = t.block_number WHERE t.tx_id = $1 AND b.number = $2`,
      [txId, blockNumber],
    )) as { tx_count: number; tx_index: number; creator_org_id: string; function_name: string }[];
    expect(row).toEqual({
      tx_count: 1,
      tx_index: 0,
      creator_org_id: payer.orgId,
      function_name: 'RecordDecisions',
    });
  });

  it('refuses a key that does not sign, and stores no transaction for a refused batch', async () => {
    const provider = signingIdentity({ orgId: `provider-${tag()}`, kind: 'provider' });
    await expect(
      ledger.recordDecisions([decisionRecord({ payerId: provider.orgId })], provider),
    ).rejects.toMatchObject({ code: 'CHAINCODE_REJECTED' });
    const wrongKey = { ...payer, privateKeyPem: signingIdentity().privateKeyPem };
    const unsigned = ledger.recordDecisions([rec()], wrongKey);
    await expect(unsigned).rejects.toBeInstanceOf(LedgerError);
    await expect(unsigned).rejects.toMatchObject({ code: 'SIGNING_FAILED' });
    const rows = (await db.query(
      'SELECT count(*)::int AS n FROM ledger_transactions WHERE creator_org_id = $1',
      [provider.orgId],
    )) as { n: number }[];
    expect(rows[0].n).toBe(0);
  });

  it('serialises concurrent appenders from several processes into one valid chain', async () => {
    const processes = await Promise.all([connect(), connect(), connect()]);
    try {
      const signers = processes.map(() => signingIdentity({ orgId: `payer-${tag()}` }));
      const shared = decisionRecord({ payerId: signers[0].orgId });
      const calls = processes.flatMap((p, i) =>
        Array.from({ length: 6 }, () =>
          testLedger(p).recordDecisions([decisionRecord({ payerId: signers[i].orgId })], signers[i]),
        ),
      );
      // The same record sent by two processes at once: exactly one of them records it.
      calls.push(testLedger(processes[0]).recordDecisions([shared], signers[0]));
      calls.push(testLedger(processes[1]).recordDecisions([shared], signers[0]));
      const receipts = (await Promise.all(calls)).flat();

      const blocks = receipts.slice(0, 18).map((r) => r.blockNumber);
      expect(new Set(blocks).size).toBe(18);
      expect(receipts.slice(0, 18).every((r) => r.outcome === 'recorded')).toBe(true);
      expect(
        receipts
          .slice(18)
          .map((r) => r.outcome)
          .sort(),
      ).toEqual(['recorded', 'unchanged']);
      expect(receipts[18].txId).toBe(receipts[19].txId);
      expect(await ledger.checkChain()).toMatchObject({ ok: true });
    } finally {
      await Promise.all(processes.map((p) => p.destroy()));
    }
  });
});

/** Tampering runs in a private schema, so suites sharing the database never see a broken chain. */
describe('EmbeddedLedger tamper evidence', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  const payer = signingIdentity({ orgId: 'payer-tamper' });

  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, ledger, drop } = await privateLedger('ledger_tamper'));
  });
  afterAll(async () => {
    await drop();
  });

  it('names the altered block in checkChain and fails a fresh proof of its claim', async () => {
    const target = decisionRecord({ payerId: payer.orgId });
    await ledger.recordDecisions([decisionRecord({ payerId: payer.orgId })], payer);
    const [receipt] = await ledger.recordDecisions([target], payer);
    await ledger.recordDecisions([decisionRecord({ payerId: payer.orgId })], payer);
    expect(receipt.blockNumber).toBe(2);
    expect(await ledger.checkChain()).toMatchObject({ ok: true, blocksChecked: 4 });
    expect(verifyProofBundle(await ledger.proveClaim(target.claimId), trustOf(payer))).toEqual({ ok: true });

    // An insider raises the approved amount in the stored transaction.
    const updated = (await db.query(
      `UPDATE ledger_transactions SET args = replace(args, '\\"approved\\":270000', '\\"approved\\":280000')
       WHERE tx_id = $1 AND args LIKE '%\\\\"approved\\\\":270000%'`,
      [receipt.txId],
    )) as [unknown[], number];
    expect(updated[1]).toBe(1);

    const check = await ledger.checkChain();
    expect(check.ok).toBe(false);
    expect(check.blocksChecked).toBe(2);
    expect(check.firstBadBlock?.number).toBe(2);
    expect(check.firstBadBlock?.reason).toContain('signature does not verify');

    // The ledger no longer hands out a proof of the claim: it names what does not verify.
    const refused = ledger.proveClaim(target.claimId);
    await expect(refused).rejects.toMatchObject({ code: 'INTEGRITY_VIOLATION' });
    await expect(refused).rejects.toThrow('signature does not verify');
  });
});
