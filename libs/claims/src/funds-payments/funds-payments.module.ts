import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { LedgerSyncModule } from '../ledger-sync/ledger-sync.module';
import { FundReportService } from './fund-report.service';
import { FundsService } from './funds.service';
import { PaymentsService } from './payments.service';

const providers = [FundsService, FundReportService, PaymentsService];

/** Donor funds, payments of decided claims on the ledger's figures, and the donors' reports. */
@Module({ imports: [AccessModule, LedgerSyncModule], providers, exports: providers })
export class FundsPaymentsModule {}
