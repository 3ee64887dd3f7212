import { randomBytes } from 'node:crypto';
import {
  LedgerError,
  verifyProofBundle,
  type LedgerPort,
  type OrgKind,
  type SigningIdentity,
  type TrustAnchor,
} from '@claimtrail/ledger';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord, paymentFor } from '@claimtrail/ledger/testing/fund-fixtures';

/** A ledger opened for the contract suite, with what a verifier of its proofs needs. */
export interface LedgerUnderTest {
  ledger: LedgerPort;
  /** The trust anchor a verifier of this ledger's proofs holds, pinning at least `signers`. */
  trust(...signers: SigningIdentity[]): Promise<TrustAnchor>;
  /** What a record signed by `signer` names as `recordedBy` (its MSP). */
  recordedBy(signer: SigningIdentity): string;
  /** Releases what opening the ledger took (the ledger, its connections). */
  close(): Promise<void>;
}

/**
 * The LedgerPort contract: what every ledger behind the port does identically, run unchanged on
 * each (EmbeddedLedger in the integration tier, FabricLedger in the Fabric tier). Records are
 * signed by organizations fresh to each run, so the suite shares its ledger with other suites.
 */
export function describeLedgerContract(name: string, open: () => Promise<LedgerUnderTest>): void {
  describe(`${name} keeps the LedgerPort contract`, () => {
    let under: LedgerUnderTest;
    let ledger: LedgerPort;
    const run = randomBytes(4).toString('hex');
    const identity = (kind: OrgKind) => signingIdentity({ orgId: `${kind}-${run}`, kind });
    const payer = identity('payer');
    const funder = identity('funder');
    const provider = identity('provider');
    const rec = (o = {}) => decisionRecord({ payerId: payer.orgId, ...o });

    beforeAll(async () => {
      under = await open();
      ledger = under.ledger;
    });
    afterAll(() => under?.close());

    describe('decisions', () => {
      it('records a batch in one transaction, names its block, and stores each record with the ledger fields', async () => {
        const before = await ledger.head();
        const [a, b] = [rec(), rec({ revision: 3 })];
        const receipts = await ledger.recordDecisions([a, b], payer);

        const [{ txId, blockNumber }] = receipts;
        expect(receipts).toEqual([
          { claimId: a.claimId, revision: 1, outcome: 'recorded', txId, blockNumber },
          { claimId: b.claimId, revision: 3, outcome: 'recorded', txId, blockNumber },
        ]);
        expect(blockNumber).toBeGreaterThan(before.blockNumber);
        expect((await ledger.head()).blockNumber).toBeGreaterThanOrEqual(blockNumber!);
        expect(await ledger.getClaimHistory(a.claimId)).toEqual([
          {
            ...a,
            docType: 'claimDecision',
            txId,
            recordedAt: expect.any(String),
            recordedBy: under.recordedBy(payer),
          },
        ]);
      });

      it('answers a resubmission from the original transaction, a different record as a conflict, and records a new revision', async () => {
        const a = rec();
        const [first] = await ledger.recordDecisions([a], payer);
        const [again] = await ledger.recordDecisions([a], payer);
        const [changed] = await ledger.recordDecisions([{ ...a, status: 'rejected' }], payer);
        const [next] = await ledger.recordDecisions([{ ...a, revision: 2, status: 'approved' }], payer);

        expect(again).toEqual({ ...first, outcome: 'unchanged' });
        expect(changed).toEqual({
          claimId: a.claimId,
          revision: 1,
          outcome: 'conflict',
          txId: first.txId,
          blockNumber: null,
        });
        expect(next).toMatchObject({ outcome: 'recorded', revision: 2 });
        const history = await ledger.getClaimHistory(a.claimId);
        expect(history.map((r) => [r.revision, r.status, r.txId])).toEqual([
          [1, a.status, first.txId],
          [2, 'approved', next.txId],
        ]);
        expect(await ledger.getClaimHistory('never-recorded')).toEqual([]);
      });

      it('refuses with the chaincode code as a LedgerError, and writes nothing', async () => {
        const forbidden = rec({ payerId: provider.orgId });
        const byProvider = ledger.recordDecisions([forbidden], provider);
        await expect(byProvider).rejects.toBeInstanceOf(LedgerError);
        await expect(byProvider).rejects.toMatchObject({
          code: 'CHAINCODE_REJECTED',
          chaincodeCode: 'FORBIDDEN',
        });
        const otherPayers = rec({ payerId: `someone-else-${run}` });
        await expect(ledger.recordDecisions([otherPayers], payer)).rejects.toMatchObject({
          code: 'CHAINCODE_REJECTED',
          chaincodeCode: 'PAYER_MISMATCH',
        });
        // One invalid record refuses the whole batch.
        const valid = rec();
        await expect(ledger.recordDecisions([valid, rec({ currency: 'euro' })], payer)).rejects.toMatchObject(
          {
            code: 'CHAINCODE_REJECTED',
            chaincodeCode: 'INVALID_FIELD',
          },
        );
        for (const refused of [forbidden, otherPayers, valid]) {
          expect(await ledger.getClaimHistory(refused.claimId)).toEqual([]);
        }
      });
    });

    describe('funds and payments', () => {
      it('creates and tops up a fund idempotently, records a payment allocated to it, and reads them back', async () => {
        const fund = fundRecord({
          funderId: funder.orgId,
          budget: 2_000_000,
          deposit: 1_000_000,
          earmarks: { payerIds: [payer.orgId] },
        });
        const created = await ledger.createFund(fund, funder);
        expect(created).toEqual({
          fundId: fund.fundId,
          outcome: 'recorded',
          txId: expect.any(String),
          blockNumber: expect.any(Number),
        });
        expect(await ledger.createFund(fund, funder)).toEqual({ ...created, outcome: 'unchanged' });
        const topUp = { fundId: fund.fundId, topUpId: `t-${run}`, amount: 500 };
        const topped = await ledger.topUpFund(topUp, funder);
        expect(topped).toMatchObject({ fundId: fund.fundId, outcome: 'recorded' });
        expect(await ledger.topUpFund(topUp, funder)).toEqual({ ...topped, outcome: 'unchanged' });

        const decision = rec();
        await ledger.recordDecisions([decision], payer);
        const payment = paymentFor(decision, fund.fundId);
        const [receipt] = await ledger.recordPayments([payment], payer);
        expect(receipt).toEqual({
          claimId: decision.claimId,
          revision: 1,
          outcome: 'recorded',
          txId: expect.any(String),
          blockNumber: expect.any(Number),
        });
        expect(await ledger.recordPayments([payment], payer)).toEqual([{ ...receipt, outcome: 'unchanged' }]);
        const [conflict] = await ledger.recordPayments([{ ...payment, paymentRef: 'changed' }], payer);
        expect(conflict).toEqual({ ...receipt, outcome: 'conflict', blockNumber: null });

        expect(await ledger.getFund(fund.fundId)).toMatchObject({
          total: 1_000_500,
          allocated: 270_000,
          remaining: 730_500,
        });
        expect(await ledger.getFundAllocations(fund.fundId)).toEqual([
          expect.objectContaining({ claimId: decision.claimId, amount: 270_000, txId: receipt.txId }),
        ]);
        expect(await ledger.getPayment(decision.claimId)).toMatchObject({ ...payment, txId: receipt.txId });
        const [records] = await ledger.claimRecords([decision.claimId, 'never-recorded']);
        expect(records).toMatchObject({
          claimId: decision.claimId,
          decisions: [expect.objectContaining({ revision: 1, txId: expect.any(String) })],
          payment: expect.objectContaining({ txId: receipt.txId }),
          allocations: [expect.objectContaining({ fundId: fund.fundId, amount: 270_000 })],
        });
        expect(await ledger.claimRecords(['never-recorded'])).toEqual([]);
        expect(await ledger.getPayment('never-paid')).toBeNull();
        expect(await ledger.getFund('no-such-fund')).toBeNull();
        expect(await ledger.getFundAllocations('no-such-fund')).toEqual([]);
      });

      it('refuses an overspending payment and a fund created by a payer with the chaincode code, and writes nothing', async () => {
        const fund = fundRecord({ funderId: funder.orgId, budget: 100 });
        await ledger.createFund(fund, funder);
        const decision = rec();
        await ledger.recordDecisions([decision], payer);
        const overspend = ledger.recordPayments(
          [
            paymentFor(decision, null, {
              allocations: [{ fundId: fund.fundId, category: 'outpatient', amount: 101 }],
            }),
          ],
          payer,
        );
        await expect(overspend).rejects.toBeInstanceOf(LedgerError);
        await expect(overspend).rejects.toMatchObject({
          code: 'CHAINCODE_REJECTED',
          chaincodeCode: 'FUND_OVERSPENT',
        });
        const byPayer = fundRecord({ funderId: funder.orgId });
        await expect(ledger.createFund(byPayer, payer)).rejects.toMatchObject({
          code: 'CHAINCODE_REJECTED',
          chaincodeCode: 'FORBIDDEN',
        });
        expect(await ledger.getPayment(decision.claimId)).toBeNull();
        expect(await ledger.getFund(fund.fundId)).toMatchObject({ allocated: 0 });
        expect(await ledger.getFund(byPayer.fundId)).toBeNull();
      });
    });

    describe('proofs', () => {
      it("proves a claim's latest or a given revision, offline against the ledger's trust anchor, and catches an altered record", async () => {
        const a = rec();
        await ledger.recordDecisions([a], payer);
        await ledger.recordDecisions([{ ...a, revision: 2, status: 'approved' }], payer);
        const trust = await under.trust(payer);

        const latest = await ledger.proveClaim(a.claimId);
        expect(latest).toMatchObject({ kind: 'decision', claimId: a.claimId, revision: 2 });
        // A proof travels as JSON.
        expect(verifyProofBundle(JSON.parse(JSON.stringify(latest)), trust)).toEqual({ ok: true });
        const first = await ledger.proveClaim(a.claimId, 1);
        expect(first).toMatchObject({ revision: 1, record: { status: a.status } });
        expect(verifyProofBundle(first, trust)).toEqual({ ok: true });

        const altered = structuredClone(latest!);
        altered.record.totals.approved += 100_000;
        expect(verifyProofBundle(altered, trust).ok).toBe(false);
        expect(await ledger.proveClaim(a.claimId, 3)).toBeNull();
        expect(await ledger.proveClaim('never-recorded')).toBeNull();
      });

      it("proves a payment, offline against the ledger's trust anchor, and not as a decision", async () => {
        const fund = fundRecord({ funderId: funder.orgId });
        await ledger.createFund(fund, funder);
        const decision = rec();
        await ledger.recordDecisions([decision], payer);
        await ledger.recordPayments([paymentFor(decision, fund.fundId)], payer);
        const trust = await under.trust(payer, funder);

        const proof = await ledger.provePayment(decision.claimId);
        expect(proof).toMatchObject({ kind: 'payment', claimId: decision.claimId, revision: 1 });
        expect(verifyProofBundle(JSON.parse(JSON.stringify(proof)), trust)).toEqual({ ok: true });
        expect(verifyProofBundle({ ...proof!, kind: 'decision' }, trust).ok).toBe(false);
        expect(await ledger.provePayment('never-paid')).toBeNull();
      });
    });

    it('verifies its whole chain', async () => {
      const { height } = await ledger.head();
      const check = await ledger.checkChain();
      expect(check).toMatchObject({ ok: true });
      expect(check.blocksChecked).toBeGreaterThanOrEqual(height);
    });
  });
}
