import type { FundEarmarks } from '@claimtrail/ledger';
import type { Transaction } from '../platform/transactions';
import type { ReportEntry } from './fund-report-document';

/** A donor's earmarked fund as PostgreSQL holds it. */
export interface Fund {
  id: string;
  funderId: string;
  name: string;
  currency: string;
  /** The cap on the fund's deposits. */
  budget: number;
  /** Deposits so far: the opening deposit plus every top-up. */
  total: number;
  allocated: number;
  periodStart: string;
  periodEnd: string;
  earmarks: FundEarmarks;
  ledgerTxId: string;
  createdAt: Date;
}

/** A fund as it is created: everything but what the store assigns. */
export type NewFund = Omit<Fund, 'createdAt'>;

/** One top-up of a fund, as the ledger recorded it. */
export interface FundTopUp {
  id: string;
  fundId: string;
  amount: number;
  ledgerTxId: string;
}

/** Funds, their top-ups, and the allocations their reports are built from. */
export abstract class FundsRepository {
  abstract insertFund(fund: NewFund): Promise<void>;
  /** The funder's fund, locked until the transaction ends (deposits change one at a time). */
  abstract lockFund(tx: Transaction, funderId: string, fundId: string): Promise<Fund | null>;
  abstract insertTopUp(tx: Transaction, topUp: FundTopUp): Promise<void>;
  /** Sets a fund's deposits so far. */
  abstract updateTotal(tx: Transaction, fundId: string, total: number): Promise<void>;
  /** The funder's fund; another funder's is not found. */
  abstract findFund(funderId: string, fundId: string): Promise<Fund | null>;
  /** The funder's funds, newest first. */
  abstract fundsOf(funderId: string): Promise<Fund[]>;
  /**
   * What the fund's report is made of: its allocations to payments the ledger has not refused
   * (refused ones were released and never spent the fund), with the ledger transaction of the
   * payment once committed; by claim, then category in code-point order.
   */
  abstract reportEntries(fundId: string): Promise<ReportEntry[]>;
}
