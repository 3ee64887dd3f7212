import type { ReportEntry } from '../funds-payments/fund-report-document';
import { type Fund, type FundTopUp, FundsRepository, type NewFund } from '../funds-payments/funds.repository';
import type { Transaction } from '../platform/transactions';

/** Funds in memory, for the use cases' specs. */
export class InMemoryFundsRepository extends FundsRepository {
  /** Funds by id. */
  readonly funds = new Map<string, Fund>();
  readonly topUps: FundTopUp[] = [];
  /** Report entries by fund id, as the allocations of live payments would give them. */
  readonly entries = new Map<string, ReportEntry[]>();
  /** Funds locked, in order, for specs that check a use case locks before it writes. */
  readonly locked: string[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  insertFund(fund: NewFund): Promise<void> {
    if (this.funds.has(fund.id)) return Promise.reject(new Error(`fund ${fund.id} exists already`));
    this.funds.set(fund.id, { ...fund, createdAt: this.now() });
    return Promise.resolve();
  }

  async lockFund(_tx: Transaction, funderId: string, fundId: string): Promise<Fund | null> {
    const fund = await this.findFund(funderId, fundId);
    if (fund) this.locked.push(fundId);
    return fund;
  }

  insertTopUp(_tx: Transaction, topUp: FundTopUp): Promise<void> {
    this.topUps.push({ ...topUp });
    return Promise.resolve();
  }

  updateTotal(_tx: Transaction, fundId: string, total: number): Promise<void> {
    const fund = this.funds.get(fundId);
    if (fund) fund.total = total;
    return Promise.resolve();
  }

  findFund(funderId: string, fundId: string): Promise<Fund | null> {
    const fund = this.funds.get(fundId);
    return Promise.resolve(fund && fund.funderId === funderId ? { ...fund } : null);
  }

  fundsOf(funderId: string): Promise<Fund[]> {
    return Promise.resolve(
      [...this.funds.values()]
        .filter((f) => f.funderId === funderId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((f) => ({ ...f })),
    );
  }

  reportEntries(fundId: string): Promise<ReportEntry[]> {
    return Promise.resolve([...(this.entries.get(fundId) ?? [])]);
  }
}
