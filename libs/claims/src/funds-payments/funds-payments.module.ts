import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { TypeOrmFundsRepository } from '../infra/repositories/typeorm-funds.repository';
import { TypeOrmPaymentsRepository } from '../infra/repositories/typeorm-payments.repository';
import { LedgerSyncModule } from '../ledger-sync/ledger-sync.module';
import { FundReportService } from './fund-report.service';
import { FundsRepository } from './funds.repository';
import { FundsService } from './funds.service';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

const services = [FundsService, FundReportService, PaymentsService];

/** Donor funds, payments of decided claims on the ledger's figures, and the donors' reports. */
@Module({
  imports: [AccessModule, LedgerSyncModule],
  providers: [
    ...services,
    { provide: FundsRepository, useClass: TypeOrmFundsRepository },
    { provide: PaymentsRepository, useClass: TypeOrmPaymentsRepository },
  ],
  exports: services,
})
export class FundsPaymentsModule {}
