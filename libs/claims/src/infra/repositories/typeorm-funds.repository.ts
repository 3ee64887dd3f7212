import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReportEntry } from '../../funds-payments/fund-report-document';
import {
  type Fund,
  type FundTopUp,
  FundsRepository,
  type NewFund,
} from '../../funds-payments/funds.repository';
import type { Transaction } from '../../platform/transactions';
import { FundEntity, FundTopUpEntity } from '../entities';
import { managerOf } from './typeorm-transactions';

/** Funds in PostgreSQL (`funds`, `fund_top_ups`, and the allocations in `payment_allocations`). */
@Injectable()
export class TypeOrmFundsRepository extends FundsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async insertFund(fund: NewFund): Promise<void> {
    await this.db.getRepository(FundEntity).insert(fund);
  }

  lockFund(tx: Transaction, funderId: string, fundId: string): Promise<Fund | null> {
    return managerOf(this.db, tx)
      .createQueryBuilder(FundEntity, 'f')
      .setLock('pessimistic_write')
      .where('f.id = :fundId AND f.funder_id = :funderId', { fundId, funderId })
      .getOne();
  }

  async insertTopUp(tx: Transaction, topUp: FundTopUp): Promise<void> {
    await managerOf(this.db, tx).insert(FundTopUpEntity, topUp);
  }

  async updateTotal(tx: Transaction, fundId: string, total: number): Promise<void> {
    await managerOf(this.db, tx).update(FundEntity, { id: fundId }, { total });
  }

  findFund(funderId: string, fundId: string): Promise<Fund | null> {
    return this.db.getRepository(FundEntity).findOneBy({ id: fundId, funderId });
  }

  fundsOf(funderId: string): Promise<Fund[]> {
    return this.db.getRepository(FundEntity).find({ where: { funderId }, order: { createdAt: 'DESC' } });
  }

  async reportEntries(fundId: string): Promise<ReportEntry[]> {
    const rows: {
      claim_id: string;
      provider_id: string;
      month: string;
      category: string;
      amount: string;
      tx_id: string | null;
    }[] = await this.db.query(
      // Allocations of payments the ledger refused were released: they never spent the fund.
      `SELECT pa.claim_id, c.provider_id, to_char(c.service_date, 'YYYY-MM') AS month, pa.category, pa.amount, o.tx_id
           FROM payment_allocations pa
           JOIN payments p ON p.claim_id = pa.claim_id AND p.attempt = pa.attempt
           JOIN claims c ON c.id = pa.claim_id
           LEFT JOIN ledger_outbox o ON o.id = p.ledger_outbox_id AND o.committed_at IS NOT NULL
          WHERE pa.fund_id = $1 AND pa.released_at IS NULL
          ORDER BY pa.claim_id, pa.category COLLATE "C"`,
      [fundId],
    );
    return rows.map((r) => ({
      claimId: r.claim_id,
      providerId: r.provider_id,
      month: r.month,
      category: r.category,
      amount: Number(r.amount),
      txId: r.tx_id,
    }));
  }
}
