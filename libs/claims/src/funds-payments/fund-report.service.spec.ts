import type { IntegrityOverlayService } from '../ledger-sync/reconciliation/integrity-overlay.service';
import { NotFoundError } from '../common/app.errors';
import { InMemoryFundsRepository } from '../testing/in-memory-funds.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import type { LedgerPort } from '@claimtrail/ledger';
import type { OrganizationsService } from '../access/organizations.service';
import { FundReportService } from './fund-report.service';
import { FundsService } from './funds.service';

const FUNDER = 'funder-1';

function setUp() {
  const repo = new InMemoryFundsRepository();
  repo.funds.set('fund-1', {
    id: 'fund-1',
    funderId: FUNDER,
    name: 'Maternal care',
    currency: 'KES',
    budget: 200_000,
    total: 100_000,
    allocated: 4_000,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    earmarks: {},
    ledgerTxId: 'tx-1',
    createdAt: new Date('2026-03-01T00:00:00Z'),
  });
  const integrity = {
    funds: <V>(views: V[]) => Promise.resolve(views.map((v) => ({ ...v, integrity: 'ok', mismatches: [] }))),
  } as unknown as IntegrityOverlayService;
  const funds = new FundsService(
    new InMemoryTransactions(),
    repo,
    {} as LedgerPort,
    {} as OrganizationsService,
    integrity,
  );
  return { repo, reports: new FundReportService(repo, funds) };
}

describe('FundReportService', () => {
  it("builds a fund's report from its allocations and the fund's deposits", async () => {
    const { repo, reports } = setUp();
    repo.entries.set('fund-1', [
      {
        claimId: 'c-1',
        providerId: 'p-1',
        month: '2026-03',
        category: 'maternity',
        amount: 2_500,
        txId: 'tx-9',
      },
      {
        claimId: 'c-2',
        providerId: 'p-1',
        month: '2026-04',
        category: 'maternity',
        amount: 1_500,
        txId: null,
      },
    ]);
    expect(await reports.report(FUNDER, 'fund-1')).toMatchObject({
      fundId: 'fund-1',
      currency: 'KES',
      total: 100_000,
      allocated: 4_000,
      remaining: 96_000,
      claims: 2,
    });
  });

  it('reports a fund nothing was allocated from as all remaining', async () => {
    const { reports } = setUp();
    expect(await reports.report(FUNDER, 'fund-1')).toMatchObject({
      allocated: 0,
      remaining: 100_000,
      claims: 0,
    });
  });

  it("treats another funder's fund, or none, as not found", async () => {
    const { reports } = setUp();
    await expect(reports.report('funder-2', 'fund-1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(reports.report(FUNDER, 'no-fund')).rejects.toBeInstanceOf(NotFoundError);
  });
});
