import type { FundReceipt, LedgerPort, SigningIdentity } from '@claimtrail/ledger';
import type { OrganizationsService } from '../access/organizations.service';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import type { IntegrityOverlayService } from '../ledger-sync/reconciliation/integrity-overlay.service';
import { InMemoryFundsRepository } from '../testing/in-memory-funds.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import { FundReportService } from './fund-report.service';
import { type CreateFund, FundsService } from './funds.service';

const FUNDER = 'funder-1';
const OTHER_FUNDER = 'funder-2';

const input = (over: Partial<CreateFund> = {}): CreateFund => ({
  name: 'Maternal care',
  currency: 'KES',
  budget: 100_000,
  period: { start: '2026-01-01', end: '2026-12-31' },
  earmarks: { categories: ['maternity'] },
  ...over,
});

function setUp() {
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const repo = new InMemoryFundsRepository(() => new Date((clock += 1000)));
  const transactions = new InMemoryTransactions();
  const calls: { op: string; arg: unknown; signer: string }[] = [];
  const receipt = (fundId: string): Promise<FundReceipt> =>
    Promise.resolve({ fundId, outcome: 'recorded', txId: `tx-${calls.length}`, blockNumber: calls.length });
  const ledger = {
    createFund: (fund: { fundId: string }, signer: SigningIdentity) => {
      calls.push({ op: 'createFund', arg: fund, signer: signer.orgId });
      return receipt(fund.fundId);
    },
    topUpFund: (topUp: { fundId: string }, signer: SigningIdentity) => {
      calls.push({ op: 'topUpFund', arg: topUp, signer: signer.orgId });
      return receipt(topUp.fundId);
    },
  } as unknown as LedgerPort;
  const orgs = {
    signingIdentity: (orgId: string) => Promise.resolve({ orgId } as SigningIdentity),
  } as unknown as OrganizationsService;
  const integrity = {
    funds: <V>(views: V[]) => Promise.resolve(views.map((v) => ({ ...v, integrity: 'ok', mismatches: [] }))),
  } as unknown as IntegrityOverlayService;
  const funds = new FundsService(transactions, repo, ledger, orgs, integrity);
  return { repo, transactions, calls, funds, reports: new FundReportService(repo, funds) };
}

describe('FundsService', () => {
  it('creates a fund on the ledger first, signed by the funder, then in the database, the whole budget deposited', async () => {
    const { funds, calls, repo } = setUp();
    const view = await funds.create(FUNDER, input());
    expect(calls).toEqual([
      {
        op: 'createFund',
        arg: {
          fundId: view.id,
          funderId: FUNDER,
          currency: 'KES',
          budget: 100_000,
          period: input().period,
          earmarks: input().earmarks,
          name: 'Maternal care',
        },
        signer: FUNDER,
      },
    ]);
    expect(view).toMatchObject({
      funderId: FUNDER,
      budget: 100_000,
      total: 100_000,
      allocated: 0,
      remaining: 100_000,
      ledgerTxId: 'tx-1',
      integrity: 'ok',
      mismatches: [],
    });
    expect(repo.funds.get(view.id)).toMatchObject({ periodStart: '2026-01-01', periodEnd: '2026-12-31' });
  });

  it('records an opening deposit below the budget on the ledger and as the total', async () => {
    const { funds, calls } = setUp();
    const view = await funds.create(FUNDER, input({ deposit: 40_000 }));
    expect(calls[0].arg).toMatchObject({ budget: 100_000, deposit: 40_000 });
    expect(view).toMatchObject({ budget: 100_000, total: 40_000, remaining: 40_000 });
  });

  it('refuses an opening deposit above the budget before anything reaches the ledger', async () => {
    const { funds, calls, repo } = setUp();
    const err = await funds.create(FUNDER, input({ deposit: 100_001 })).catch((e: unknown) => e);
    expect((err as AppError).code).toBe(AppErrorCode.BudgetExceeded);
    expect((err as AppError).details).toEqual([
      { field: 'deposit', rule: 'must not exceed the budget 100000' },
    ]);
    expect(calls).toEqual([]);
    expect(repo.funds.size).toBe(0);
  });

  it('tops a fund up under its lock, on the ledger first, up to exactly its budget', async () => {
    const { funds, calls, repo, transactions } = setUp();
    const fund = await funds.create(FUNDER, input({ deposit: 40_000 }));
    const after = await funds.topUp(FUNDER, fund.id, 60_000);
    expect(after).toMatchObject({ total: 100_000, remaining: 100_000 });
    expect(transactions.count).toBe(1);
    expect(repo.locked).toEqual([fund.id]);
    expect(calls[1]).toMatchObject({
      op: 'topUpFund',
      arg: { fundId: fund.id, amount: 60_000 },
      signer: FUNDER,
    });
    const topUpId = (calls[1].arg as { topUpId: string }).topUpId;
    expect(repo.topUps).toEqual([{ id: topUpId, fundId: fund.id, amount: 60_000, ledgerTxId: 'tx-2' }]);
  });

  it('refuses a top-up above the budget, saying how much more fits, writing nothing anywhere', async () => {
    const { funds, calls, repo } = setUp();
    const fund = await funds.create(FUNDER, input({ deposit: 40_000 }));
    const err = await funds.topUp(FUNDER, fund.id, 60_001).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(AppErrorCode.BudgetExceeded);
    expect((err as AppError).details[0].rule).toBe(
      'must keep deposits within the budget 100000: 40000 deposited so far, at most 60000 more',
    );
    expect(calls).toHaveLength(1);
    expect(repo.topUps).toEqual([]);
    expect(repo.funds.get(fund.id)!.total).toBe(40_000);
  });

  it("treats another funder's fund, or none, as not found: top-up, read and report", async () => {
    const { funds, reports, calls } = setUp();
    const fund = await funds.create(FUNDER, input());
    await expect(funds.topUp(OTHER_FUNDER, fund.id, 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(funds.topUp(FUNDER, 'no-such-fund', 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(funds.get(OTHER_FUNDER, fund.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(reports.report(OTHER_FUNDER, fund.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toHaveLength(1);
  });

  it("lists only the funder's funds, newest first", async () => {
    const { funds } = setUp();
    const first = await funds.create(FUNDER, input({ name: 'first' }));
    await funds.create(OTHER_FUNDER, input({ name: 'theirs' }));
    const second = await funds.create(FUNDER, input({ name: 'second' }));
    expect((await funds.list(FUNDER)).map((f) => f.id)).toEqual([second.id, first.id]);
  });
});
