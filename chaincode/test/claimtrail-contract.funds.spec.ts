import { canonicalJson } from '../src/canonical-json';
import type { FundOutcome, FundRecord, FundView, StoredFundTopUp } from '../src/records';
import { type Execution, invokeContract, type TestCreator, txArg } from './support/contract-harness';
import { fundRecord } from './support/fixtures';
import { MemoryWorldState } from './support/world-state';

const FUNDER: TestCreator = {
  orgId: 'funder-1',
  kind: 'funder',
  mspId: 'Funder1MSP',
  publicKeyPem: '',
};
const TIMESTAMP = '2025-11-21T08:30:00.123Z';

const invoke = (store: MemoryWorldState, fn: string, arg: unknown, creator = FUNDER) =>
  invokeContract(store, fn, [txArg(arg)], creator, { timestamp: TIMESTAMP });

const outcome = (e: Execution) => JSON.parse(e.result) as FundOutcome;
const getFund = async (store: MemoryWorldState, fundId: string) =>
  JSON.parse((await invoke(store, 'GetFund', fundId)).result) as FundView;

describe('ClaimtrailContract funds', () => {
  it('creates a fund with total, allocated and the transaction fields, and emits FundCreated', async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord({ name: 'Maternal care 2025', earmarks: { categories: ['maternity'] } });
    const created = await invoke(store, 'CreateFund', fund);
    expect(outcome(created)).toEqual({
      fundId: fund.fundId,
      outcome: 'recorded',
      txId: created.event && expect.any(String),
    });
    expect(created.event?.name).toBe('FundCreated');
    const key = `\u0000fund\u0000${fund.fundId}\u0000`;
    const stored = JSON.parse(Buffer.from((await store.get(key))!).toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(stored).toEqual({
      ...fund,
      docType: 'fund',
      total: 1_000_000,
      allocated: 0,
      txId: outcome(created).txId,
      createdAt: TIMESTAMP,
      createdBy: 'Funder1MSP',
    });
    expect(await getFund(store, fund.fundId)).toMatchObject({
      total: 1_000_000,
      allocated: 0,
      remaining: 1_000_000,
    });
  });

  it('treats the identical fund again as unchanged and refuses a different one under the same id', async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord();
    const first = outcome(await invoke(store, 'CreateFund', fund));
    const reordered = Object.fromEntries(Object.entries(fund).reverse());
    const again = await invoke(store, 'CreateFund', reordered);
    expect(outcome(again)).toEqual({ ...first, outcome: 'unchanged' });
    expect(again.writes).toEqual([]);
    await expect(invoke(store, 'CreateFund', { ...fund, budget: 2 })).rejects.toThrow('CONFLICT fund.fundId');
  });

  it('tops up idempotently by topUpId, raising the total once', async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord({ budget: 2_000_000, deposit: 1_000_000 });
    await invoke(store, 'CreateFund', fund);
    const topUp = { fundId: fund.fundId, topUpId: 'top-1', amount: 250_000 };
    const first = await invoke(store, 'TopUpFund', topUp);
    expect(outcome(first).outcome).toBe('recorded');
    expect(first.event?.name).toBe('FundToppedUp');
    const again = await invoke(store, 'TopUpFund', topUp);
    expect(outcome(again)).toEqual({ ...outcome(first), outcome: 'unchanged' });
    expect(again.writes).toEqual([]);
    await expect(invoke(store, 'TopUpFund', { ...topUp, amount: 1 })).rejects.toThrow(
      'CONFLICT topUp.topUpId',
    );
    await invoke(store, 'TopUpFund', { ...topUp, topUpId: 'top-2', amount: 5 });
    expect(await getFund(store, fund.fundId)).toMatchObject({
      budget: 2_000_000,
      deposit: 1_000_000,
      total: 1_250_005,
      remaining: 1_250_005,
    });
    const stored = await store.get(`\u0000topup\u0000${fund.fundId}\u0000top-1\u0000`);
    expect((JSON.parse(Buffer.from(stored!).toString('utf8')) as StoredFundTopUp).amount).toBe(250_000);
  });

  it('deposits the whole budget when no opening deposit is given, and refuses any top-up then', async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord();
    await invoke(store, 'CreateFund', fund);
    expect(await getFund(store, fund.fundId)).toMatchObject({ budget: 1_000_000, total: 1_000_000 });
    await expect(
      invoke(store, 'TopUpFund', { fundId: fund.fundId, topUpId: 't', amount: 1 }),
    ).rejects.toThrow('BUDGET_EXCEEDED topUp.amount');
  });

  it('lets deposits reach the budget and refuses a top-up beyond it, writing nothing', async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord({ budget: 5_000_000, deposit: 3_000_000 });
    await invoke(store, 'CreateFund', fund);
    const before = store.snapshot();
    await expect(
      invoke(store, 'TopUpFund', { fundId: fund.fundId, topUpId: 'big', amount: 10_000_000 }),
    ).rejects.toThrow(
      /BUDGET_EXCEEDED topUp\.amount: would bring deposits to 13000000, above the budget 5000000/,
    );
    expect(store.snapshot()).toEqual(before);
    await invoke(store, 'TopUpFund', { fundId: fund.fundId, topUpId: 'rest', amount: 2_000_000 });
    expect(await getFund(store, fund.fundId)).toMatchObject({ total: 5_000_000, remaining: 5_000_000 });
    await expect(
      invoke(store, 'TopUpFund', { fundId: fund.fundId, topUpId: 'one-more', amount: 1 }),
    ).rejects.toThrow('BUDGET_EXCEEDED');
  });

  it('refuses an opening deposit above the budget', async () => {
    const store = new MemoryWorldState();
    await expect(invoke(store, 'CreateFund', fundRecord({ budget: 100, deposit: 101 }))).rejects.toThrow(
      'BUDGET_EXCEEDED fund.deposit',
    );
    await expect(invoke(store, 'CreateFund', fundRecord({ deposit: 0 }))).rejects.toThrow(
      'INVALID_FIELD fund.deposit',
    );
    expect(store.snapshot()).toEqual([]);
  });

  it.each(['payer', 'provider', 'operator'] as const)(
    'refuses a %s creating or topping up a fund',
    async (kind) => {
      const store = new MemoryWorldState();
      const fund = fundRecord();
      await expect(invoke(store, 'CreateFund', fund, { ...FUNDER, kind })).rejects.toThrow('FORBIDDEN');
      await invoke(store, 'CreateFund', fund);
      const topUp = { fundId: fund.fundId, topUpId: 't', amount: 1 };
      await expect(invoke(store, 'TopUpFund', topUp, { ...FUNDER, kind })).rejects.toThrow('FORBIDDEN');
    },
  );

  it("refuses a funder creating another funder's fund or topping up a fund it does not own", async () => {
    const store = new MemoryWorldState();
    const other = { ...FUNDER, orgId: 'funder-2' };
    await expect(invoke(store, 'CreateFund', fundRecord(), other)).rejects.toThrow(
      'FUNDER_MISMATCH fund.funderId',
    );
    const fund = fundRecord();
    await invoke(store, 'CreateFund', fund);
    await expect(
      invoke(store, 'TopUpFund', { fundId: fund.fundId, topUpId: 't', amount: 1 }, other),
    ).rejects.toThrow('FUNDER_MISMATCH topUp.fundId');
    await expect(
      invoke(store, 'TopUpFund', { fundId: 'no-such-fund', topUpId: 't', amount: 1 }),
    ).rejects.toThrow('FUND_NOT_FOUND topUp.fundId');
  });

  it.each<[string, (f: FundRecord) => unknown, string]>([
    ['a zero budget', (f) => ({ ...f, budget: 0 }), 'INVALID_FIELD fund.budget'],
    ['a fractional budget', (f) => ({ ...f, budget: 10.5 }), 'INVALID_FIELD fund.budget'],
    ['an unknown field', (f) => ({ ...f, extra: 1 }), 'INVALID_FIELD fund.extra'],
    ['a bad id', (f) => ({ ...f, fundId: 'a b' }), 'INVALID_FIELD fund.fundId'],
    ['a bad currency', (f) => ({ ...f, currency: 'kes' }), 'INVALID_FIELD fund.currency'],
    [
      'an unreal date',
      (f) => ({ ...f, period: { start: '2025-02-30', end: '2025-12-31' } }),
      'INVALID_FIELD fund.period.start',
    ],
    [
      'a reversed period',
      (f) => ({ ...f, period: { start: '2025-12-31', end: '2025-01-01' } }),
      'INVALID_FIELD fund.period.end',
    ],
    [
      'an empty earmark list',
      (f) => ({ ...f, earmarks: { planIds: [] } }),
      'INVALID_FIELD fund.earmarks.planIds',
    ],
    [
      'an unknown earmark',
      (f) => ({ ...f, earmarks: { memberIds: ['x'] } }),
      'INVALID_FIELD fund.earmarks.memberIds',
    ],
    [
      'a repeated earmark',
      (f) => ({ ...f, earmarks: { payerIds: ['p', 'p'] } }),
      'INVALID_FIELD fund.earmarks.payerIds[1]',
    ],
  ])('refuses a fund with %s', async (_name, alter, message) => {
    const store = new MemoryWorldState();
    await expect(invoke(store, 'CreateFund', alter(fundRecord()))).rejects.toThrow(message);
    await expect(invoke(store, 'CreateFund', 'not json')).rejects.toThrow('INVALID_ARGUMENT');
    expect(store.snapshot()).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown fund and [] for its allocations', async () => {
    const store = new MemoryWorldState();
    await expect(invoke(store, 'GetFund', 'nope')).rejects.toThrow('NOT_FOUND');
    expect((await invoke(store, 'GetFundAllocations', 'nope')).result).toBe(canonicalJson([]));
  });
});
