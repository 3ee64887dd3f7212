import type { DataSource } from 'typeorm';
import { connect, privateLedger, tag, testLedger, trustOf } from '../../support/ledger-database';
import { EmbeddedLedger, LedgerError, verifyProofBundle, type SigningIdentity } from '@claimtrail/ledger';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord, paymentFor } from '@claimtrail/ledger/testing/fund-fixtures';

/**
 * Funds and payments as only the embedded ledger handles them, on the run's shared migrated
 * database; what every ledger does is the LedgerPort contract (embedded-ledger-contract.int-spec.ts).
 */
describe('EmbeddedLedger funds and payments on PostgreSQL', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  let funder: SigningIdentity;

  beforeAll(async () => {
    db = await connect();
    ledger = testLedger(db);
    funder = signingIdentity({ orgId: `funder-${tag()}`, kind: 'funder' });
  });
  afterAll(() => db.destroy());

  it('never overspends a nearly empty fund under concurrent payments from several processes', async () => {
    const processes = await Promise.all([connect(), connect(), connect()]);
    try {
      const payers = processes.map(() => signingIdentity({ orgId: `payer-${tag()}` }));
      const fund = fundRecord({ funderId: funder.orgId, budget: 250_000 });
      await ledger.createFund(fund, funder);
      const decisions = payers.flatMap((p) => [
        decisionRecord({ payerId: p.orgId }),
        decisionRecord({ payerId: p.orgId }),
      ]);
      await Promise.all(
        payers.map((p) =>
          ledger.recordDecisions(
            decisions.filter((d) => d.payerId === p.orgId),
            p,
          ),
        ),
      );

      const outcomes = await Promise.allSettled(
        decisions.map((d, i) =>
          testLedger(processes[i % 3]).recordPayments(
            [
              paymentFor(d, null, {
                amount: 100_000,
                allocations: [{ fundId: fund.fundId, category: 'outpatient', amount: 100_000 }],
              }),
            ],
            payers.find((p) => p.orgId === d.payerId)!,
          ),
        ),
      );
      const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(fulfilled).toHaveLength(2);
      expect(refused.map((r) => (r.reason as LedgerError).chaincodeCode)).toEqual(
        Array(4).fill('FUND_OVERSPENT'),
      );

      const allocations = await ledger.getFundAllocations(fund.fundId);
      const view = await ledger.getFund(fund.fundId);
      expect(allocations.reduce((sum, a) => sum + a.amount, 0)).toBe(200_000);
      expect(view).toMatchObject({ total: 250_000, allocated: 200_000, remaining: 50_000 });
      expect(await ledger.checkChain()).toMatchObject({ ok: true });
    } finally {
      await Promise.all(processes.map((p) => p.destroy()));
    }
  });
});

/** Tampering runs in a private schema, so suites sharing the database never see a broken chain. */
describe('EmbeddedLedger payment tamper evidence', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  const payer = signingIdentity({ orgId: 'payer-tamper' });
  const funder = signingIdentity({ orgId: 'funder-tamper', kind: 'funder' });

  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, ledger, drop } = await privateLedger('ledger_fund_tamper'));
  });
  afterAll(async () => {
    await drop();
  });

  it('fails a payment proof and the chain check once the stored payment transaction is altered', async () => {
    const fund = fundRecord({ funderId: funder.orgId });
    await ledger.createFund(fund, funder);
    const decision = decisionRecord({ payerId: payer.orgId });
    await ledger.recordDecisions([decision], payer);
    const [receipt] = await ledger.recordPayments([paymentFor(decision, fund.fundId)], payer);
    expect(await ledger.checkChain()).toMatchObject({ ok: true, blocksChecked: 4 });
    expect(verifyProofBundle(await ledger.provePayment(decision.claimId), trustOf(payer, funder))).toEqual({
      ok: true,
    });

    const updated = (await db.query(
      `UPDATE ledger_transactions SET args = replace(args, '\\"amount\\":270000', '\\"amount\\":260000')
       WHERE tx_id = $1 AND args LIKE '%\\\\"amount\\\\":270000%'`,
      [receipt.txId],
    )) as [unknown[], number];
    expect(updated[1]).toBe(1);

    const check = await ledger.checkChain();
    expect(check).toMatchObject({ ok: false, firstBadBlock: { number: 3 } });
    const refused = ledger.provePayment(decision.claimId);
    await expect(refused).rejects.toMatchObject({ code: 'INTEGRITY_VIOLATION' });
    await expect(refused).rejects.toThrow('signature does not verify');
  });
});
