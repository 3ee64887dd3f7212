import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LEDGER, type FundEarmarks, type LedgerPort } from '@claimtrail/ledger';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { OrganizationsService } from '../access/organizations.service';
import {
  IntegrityOverlayService,
  type WithIntegrity,
} from '../ledger-sync/reconciliation/integrity-overlay.service';
import type { FundView } from '../common/api-views';
import { Transactions } from '../platform/transactions';
import { type Fund, FundsRepository } from './funds.repository';

export type { FundView } from '../common/api-views';

/** A fund as its funder creates it. */
export interface CreateFund {
  name: string;
  currency: string;
  /** The cap on the fund's deposits. */
  budget: number;
  /** The opening deposit; the whole budget when absent. */
  deposit?: number;
  period: { start: string; end: string };
  earmarks: FundEarmarks;
}

/** The view of a fund row, before its integrity is known. */
export const fundView = (f: Fund): Omit<FundView, keyof WithIntegrity> => ({
  id: f.id,
  funderId: f.funderId,
  name: f.name,
  currency: f.currency,
  budget: f.budget,
  total: f.total,
  allocated: f.allocated,
  remaining: f.total - f.allocated,
  period: { start: f.periodStart, end: f.periodEnd },
  earmarks: f.earmarks,
  ledgerTxId: f.ledgerTxId,
  createdAt: f.createdAt.toISOString(),
});

/**
 * Donor funds. Creating a fund or topping it up is written to the ledger first (signed by the
 * funder; the chaincode treats a repeat as a no-op) and then to PostgreSQL, so the ledger never
 * lacks money the database shows. A fund's budget caps its deposits, here and in the chaincode.
 */
@Injectable()
export class FundsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly funds: FundsRepository,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly orgs: OrganizationsService,
    private readonly integrity: IntegrityOverlayService,
  ) {}

  /** Creates a fund owned by `funderId`. */
  async create(funderId: string, input: CreateFund): Promise<FundView> {
    const deposit = input.deposit ?? input.budget;
    if (deposit > input.budget) {
      throw new AppError(AppErrorCode.BudgetExceeded, `the opening deposit exceeds the fund's budget`, [
        { field: 'deposit', rule: `must not exceed the budget ${input.budget}` },
      ]);
    }
    const id = randomUUID();
    const signer = await this.orgs.signingIdentity(funderId);
    const receipt = await this.ledger.createFund(
      {
        fundId: id,
        funderId,
        currency: input.currency,
        budget: input.budget,
        // Left out when it is the whole budget: the record a fund had before deposits were separate.
        ...(deposit < input.budget ? { deposit } : {}),
        period: input.period,
        earmarks: input.earmarks,
        name: input.name,
      },
      signer,
    );
    await this.funds.insertFund({
      id,
      funderId,
      name: input.name,
      currency: input.currency,
      budget: input.budget,
      total: deposit,
      allocated: 0,
      periodStart: input.period.start,
      periodEnd: input.period.end,
      earmarks: input.earmarks,
      ledgerTxId: receipt.txId,
    });
    return this.get(funderId, id);
  }

  /** Adds money to a fund of this funder, up to its budget. */
  async topUp(funderId: string, fundId: string, amount: number): Promise<FundView> {
    const signer = await this.orgs.signingIdentity(funderId);
    await this.transactions.run(async (tx) => {
      const fund = await this.funds.lockFund(tx, funderId, fundId);
      if (!fund) throw new NotFoundError('fund');
      if (fund.total + amount > fund.budget) {
        throw new AppError(AppErrorCode.BudgetExceeded, `the top-up would bring the fund above its budget`, [
          {
            field: 'amount',
            rule:
              `must keep deposits within the budget ${fund.budget}: ${fund.total} deposited so far, ` +
              `at most ${fund.budget - fund.total} more`,
          },
        ]);
      }
      const topUpId = randomUUID();
      const receipt = await this.ledger.topUpFund({ fundId, topUpId, amount }, signer);
      await this.funds.insertTopUp(tx, { id: topUpId, fundId, amount, ledgerTxId: receipt.txId });
      await this.funds.updateTotal(tx, fundId, fund.total + amount);
    });
    return this.get(funderId, fundId);
  }

  /** A fund of this funder. */
  async get(funderId: string, fundId: string): Promise<FundView> {
    const fund = await this.funds.findFund(funderId, fundId);
    if (!fund) throw new NotFoundError('fund');
    const [view] = await this.integrity.funds([fundView(fund)]);
    return view;
  }

  /** This funder's funds, newest first. */
  async list(funderId: string): Promise<FundView[]> {
    const funds = await this.funds.fundsOf(funderId);
    return this.integrity.funds(funds.map(fundView));
  }
}
