import { Injectable } from '@nestjs/common';
import { FundsService } from './funds.service';
import { buildFundReport, type FundReport } from './fund-report-document';
import { FundsRepository } from './funds.repository';

/** A funder's report of a fund, from the platform's database. */
@Injectable()
export class FundReportService {
  constructor(
    private readonly repo: FundsRepository,
    private readonly funds: FundsService,
  ) {}

  /** The report of a fund this funder owns. */
  async report(funderId: string, fundId: string): Promise<FundReport> {
    const fund = await this.funds.get(funderId, fundId);
    return buildFundReport(
      { fundId, currency: fund.currency, total: fund.total },
      await this.repo.reportEntries(fundId),
    );
  }
}
