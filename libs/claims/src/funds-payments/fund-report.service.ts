import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FundsService } from './funds.service';
import { buildFundReport, type FundReport } from './fund-report-document';

/** A funder's report of a fund, from the platform's database. */
@Injectable()
export class FundReportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly funds: FundsService,
  ) {}

  /** The report of a fund this funder owns. */
  async report(funderId: string, fundId: string): Promise<FundReport> {
    const fund = await this.funds.get(funderId, fundId);
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
    return buildFundReport(
      { fundId, currency: fund.currency, total: fund.total },
      rows.map((r) => ({
        claimId: r.claim_id,
        providerId: r.provider_id,
        month: r.month,
        category: r.category,
        amount: Number(r.amount),
        txId: r.tx_id,
      })),
    );
  }
}
