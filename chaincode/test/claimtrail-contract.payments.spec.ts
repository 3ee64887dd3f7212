import type {
  DecisionRecord,
  FundRecord,
  FundView,
  PaymentRecord,
  RecordOutcome,
  StoredAllocationRecord,
  StoredPaymentRecord,
} from '../src/records';
import { invokeContract, type TestCreator, txArg } from './support/contract-harness';
import { decisionRecord, fundRecord, paymentFor } from './support/fixtures';
import { MemoryWorldState } from './support/world-state';

const PAYER: TestCreator = { orgId: 'payer-1', kind: 'payer', mspId: 'Payer1MSP', publicKeyPem: '' };
const FUNDER: TestCreator = {
  orgId: 'funder-1',
  kind: 'funder',
  mspId: 'Funder1MSP',
  publicKeyPem: '',
};

const invoke = (store: MemoryWorldState, fn: string, arg: unknown, creator = PAYER, txId?: string) =>
  invokeContract(store, fn, [txArg(arg)], creator, { txId, timestamp: '2025-11-22T10:00:00.000Z' });

const pay = async (store: MemoryWorldState, payments: unknown[], creator = PAYER, txId?: string) => {
  const execution = await invoke(store, 'RecordPayments', payments, creator, txId);
  return { execution, results: (JSON.parse(execution.result) as { results: RecordOutcome[] }).results };
};
const read = async <T>(store: MemoryWorldState, fn: string, id: string) =>
  JSON.parse((await invoke(store, fn, id)).result) as T;

/** A store with one fund and one decided claim (outpatient 135000 + laboratory 135000 approved). */
async function setup(fund: Partial<FundRecord> = {}, decision: Partial<DecisionRecord> = {}) {
  const store = new MemoryWorldState();
  const f = fundRecord(fund);
  await invoke(store, 'CreateFund', f, FUNDER);
  const d = decisionRecord({ payerId: PAYER.orgId, ...decision });
  await invoke(store, 'RecordDecisions', [d]);
  return { store, fund: f, decision: d };
}

describe('ClaimtrailContract.RecordPayments', () => {
  it('records a payment, its allocations and the fund balance, and emits one ClaimPaid event', async () => {
    const { store, fund, decision } = await setup();
    const payment = paymentFor(decision, fund.fundId);
    const { execution, results } = await pay(store, [payment], PAYER, 'tx-pay');

    expect(results).toEqual([
      { claimId: decision.claimId, revision: 1, outcome: 'recorded', txId: 'tx-pay' },
    ]);
    expect(await read<StoredPaymentRecord>(store, 'GetPayment', decision.claimId)).toEqual({
      ...payment,
      docType: 'claimPayment',
      txId: 'tx-pay',
      recordedAt: '2025-11-22T10:00:00.000Z',
      recordedBy: 'Payer1MSP',
    });
    expect(await read<FundView>(store, 'GetFund', fund.fundId)).toMatchObject({
      total: 1_000_000,
      allocated: 270_000,
      remaining: 730_000,
    });
    const [allocation] = await read<StoredAllocationRecord[]>(store, 'GetFundAllocations', fund.fundId);
    expect(allocation).toMatchObject({
      fundId: fund.fundId,
      claimId: decision.claimId,
      amount: 270_000,
      categories: [
        { category: 'outpatient', amount: 135_000 },
        { category: 'laboratory', amount: 135_000 },
      ],
    });
    expect(execution.event?.name).toBe('ClaimPaid');
    expect(JSON.parse(execution.event!.payload.toString('utf8'))).toEqual({
      claims: [{ claimId: decision.claimId, revision: 1 }],
      allocations: [{ fundId: fund.fundId, claimId: decision.claimId, amount: 270_000 }],
    });
  });

  it('lists allocations ordered by claim id', async () => {
    const { store, fund } = await setup();
    const ids = ['c-3', 'c-1', 'c-2'];
    for (const claimId of ids) {
      const d = decisionRecord({ payerId: PAYER.orgId, claimId });
      await invoke(store, 'RecordDecisions', [d]);
      await pay(store, [paymentFor(d, fund.fundId)]);
    }
    const allocations = await read<StoredAllocationRecord[]>(store, 'GetFundAllocations', fund.fundId);
    expect(allocations.map((a) => a.claimId)).toEqual(['c-1', 'c-2', 'c-3']);
  });

  it('refuses an overspend by one allocation, and by allocations split in one transaction', async () => {
    const { store, fund, decision } = await setup({ budget: 200_000 });
    await expect(
      pay(store, [
        paymentFor(decision, null, {
          allocations: [
            { fundId: fund.fundId, category: 'outpatient', amount: 135_000 },
            { fundId: fund.fundId, category: 'laboratory', amount: 135_000 },
          ],
        }),
      ]),
    ).rejects.toThrow('FUND_OVERSPENT records[0].allocations[1].amount');

    const second = decisionRecord({ payerId: PAYER.orgId });
    await invoke(store, 'RecordDecisions', [second]);
    const part = (d: DecisionRecord) =>
      paymentFor(d, null, {
        amount: 120_000,
        allocations: [{ fundId: fund.fundId, category: 'outpatient', amount: 120_000 }],
      });
    // Each alone fits; together they exceed the fund, though reads do not see the first's writes.
    await expect(pay(store, [part(decision), part(second)])).rejects.toThrow(
      'FUND_OVERSPENT records[1].allocations[0].amount',
    );
    expect((await read<FundView>(store, 'GetFund', fund.fundId)).allocated).toBe(0);
    await pay(store, [part(decision)]);
    await expect(pay(store, [part(second)])).rejects.toThrow(
      'FUND_OVERSPENT records[0].allocations[0].amount',
    );
    expect((await read<FundView>(store, 'GetFund', fund.fundId)).remaining).toBe(80_000);
  });

  it.each<[string, Partial<FundRecord>, Partial<PaymentRecord>, string]>([
    ['payer', { earmarks: { payerIds: ['payer-9'] } }, {}, 'EARMARK_MISMATCH records[0].payerId'],
    ['plan', { earmarks: { planIds: ['plan-9'] } }, {}, 'EARMARK_MISMATCH records[0].planId'],
    ['provider', { earmarks: { providerIds: ['clinic-9'] } }, {}, 'EARMARK_MISMATCH records[0].providerId'],
    [
      'category',
      { earmarks: { categories: ['outpatient'] } },
      {},
      'EARMARK_MISMATCH records[0].allocations[1].category',
    ],
    [
      'period',
      { period: { start: '2025-11-11', end: '2025-12-31' } },
      {},
      'OUTSIDE_FUND_PERIOD records[0].serviceDate',
    ],
    ['currency', { currency: 'UGX' }, {}, 'CURRENCY_MISMATCH records[0].allocations[0].fundId'],
  ])(
    'refuses an allocation outside the fund earmark: %s',
    async (_n, fundOverrides, paymentOverrides, message) => {
      const { store, fund, decision } = await setup(fundOverrides);
      await expect(pay(store, [paymentFor(decision, fund.fundId, paymentOverrides)])).rejects.toThrow(
        message,
      );
      await expect(read(store, 'GetPayment', decision.claimId)).rejects.toThrow('NOT_FOUND');
    },
  );

  it('accepts a payment matching every earmark', async () => {
    const { store, fund, decision } = await setup({
      earmarks: { payerIds: [PAYER.orgId], planIds: ['plan-1'], categories: ['laboratory', 'outpatient'] },
    });
    const { results } = await pay(store, [paymentFor(decision, fund.fundId)]);
    expect(results[0].outcome).toBe('recorded');
  });

  it.each<[string, (d: DecisionRecord, fundId: string) => PaymentRecord, string]>([
    [
      'above the approved total',
      (d, f) => paymentFor(d, f, { amount: 270_001 }),
      'AMOUNT_EXCEEDS_APPROVED records[0].amount',
    ],
    [
      'above the approved amount in a category',
      (d, f) =>
        paymentFor(d, null, { allocations: [{ fundId: f, category: 'outpatient', amount: 135_001 }] }),
      'CATEGORY_EXCEEDS_APPROVED records[0].allocations[0].amount',
    ],
    [
      'in a category the decision did not approve',
      (d, f) => paymentFor(d, null, { allocations: [{ fundId: f, category: 'dental', amount: 1 }] }),
      'CATEGORY_EXCEEDS_APPROVED records[0].allocations[0].amount',
    ],
    [
      'allocating more than it pays',
      (d, f) => paymentFor(d, f, { amount: 200_000 }),
      'ALLOCATIONS_EXCEED_PAYMENT records[0].allocations[1].amount',
    ],
    [
      'for another provider',
      (d, f) => paymentFor(d, f, { providerId: 'clinic-x' }),
      'DECISION_MISMATCH records[0].providerId',
    ],
    [
      'in another currency',
      (d, f) => paymentFor(d, f, { currency: 'UGX' }),
      'DECISION_MISMATCH records[0].currency',
    ],
    [
      'of an undecided revision',
      (d, f) => paymentFor(d, f, { revision: 2 }),
      'DECISION_NOT_FOUND records[0].revision',
    ],
    [
      'of an unknown claim',
      (d, f) => paymentFor(d, f, { claimId: 'never-decided' }),
      'DECISION_NOT_FOUND records[0].revision',
    ],
    [
      'to an unknown fund',
      (d) => paymentFor(d, 'no-such-fund'),
      'FUND_NOT_FOUND records[0].allocations[0].fundId',
    ],
    [
      'with a fractional amount',
      (d, f) => paymentFor(d, f, { amount: 1.5 }),
      'INVALID_FIELD records[0].amount',
    ],
    [
      'with a bad service date',
      (d, f) => paymentFor(d, f, { serviceDate: '2025-13-01' }),
      'INVALID_FIELD records[0].serviceDate',
    ],
  ])('refuses a payment %s', async (_n, make, message) => {
    const { store, fund, decision } = await setup();
    await expect(pay(store, [make(decision, fund.fundId)])).rejects.toThrow(message);
    expect((await read<FundView>(store, 'GetFund', fund.fundId)).allocated).toBe(0);
  });

  it.each(['rejected', 'pended'] as const)('refuses paying a %s decision', async (status) => {
    const { store, fund, decision } = await setup({}, { status });
    await expect(pay(store, [paymentFor(decision, fund.fundId)])).rejects.toThrow(
      'DECISION_NOT_PAYABLE records[0].revision',
    );
  });

  it('refuses a payer paying as another payer, or paying a claim another payer decided, and non-payers', async () => {
    const { store, fund, decision } = await setup();
    const other = { ...PAYER, orgId: 'payer-2' };
    await expect(pay(store, [paymentFor(decision, fund.fundId)], other)).rejects.toThrow(
      'PAYER_MISMATCH records[0].payerId',
    );
    await expect(
      pay(store, [paymentFor(decision, fund.fundId, { payerId: 'payer-2' })], other),
    ).rejects.toThrow('PAYER_MISMATCH records[0].payerId');
    await expect(pay(store, [paymentFor(decision, fund.fundId)], FUNDER)).rejects.toThrow('FORBIDDEN');
  });

  it('pays a claim once: identical resubmission unchanged, a different one a conflict, also within a batch', async () => {
    const { store, fund, decision } = await setup();
    const payment = paymentFor(decision, fund.fundId);
    await pay(store, [payment], PAYER, 'tx-original');
    const again = await pay(store, [payment, { ...payment, paymentRef: 'other' }], PAYER, 'tx-again');
    expect(again.results.map((r) => `${r.outcome}:${r.txId}`)).toEqual([
      'unchanged:tx-original',
      'conflict:tx-original',
    ]);
    expect(again.execution.writes).toEqual([]);
    expect(again.execution.event).toBeNull();
    expect((await read<FundView>(store, 'GetFund', fund.fundId)).allocated).toBe(270_000);

    const d2 = decisionRecord({ payerId: PAYER.orgId });
    await invoke(store, 'RecordDecisions', [d2]);
    const p2 = paymentFor(d2, fund.fundId);
    const batch = await pay(store, [p2, p2, { ...p2, paymentRef: 'x' }], PAYER, 'tx-batch');
    expect(batch.results.map((r) => r.outcome)).toEqual(['recorded', 'unchanged', 'conflict']);
    expect((await read<FundView>(store, 'GetFund', fund.fundId)).allocated).toBe(540_000);
  });

  it('is deterministic: the same transaction on the same state writes identical bytes', async () => {
    const run = async () => {
      const store = new MemoryWorldState();
      const fund = fundRecord({ fundId: 'fund-det' });
      await invoke(store, 'CreateFund', fund, FUNDER, 'tx-f');
      const decisions = ['c-b', 'c-a'].map((claimId) =>
        decisionRecord({
          payerId: PAYER.orgId,
          claimId,
          providerId: 'clinic-1',
          memberRef: 'a'.repeat(64),
          claimCommitment: 'b'.repeat(64),
          planVersionId: 'pv',
          ruleSetHash: 'c'.repeat(64),
          reviewSeed: 'd'.repeat(64),
        }),
      );
      await invoke(store, 'RecordDecisions', decisions, PAYER, 'tx-d');
      const { execution } = await pay(
        store,
        decisions.map((d) => paymentFor(d, fund.fundId)),
        PAYER,
        'tx-p',
      );
      return JSON.stringify({
        writes: execution.writes,
        event: execution.event,
        result: execution.result,
        state: store.snapshot(),
      });
    };
    expect(await run()).toBe(await run());
  });
});
