import { Module } from '@nestjs/common';
import { AccessModule } from './access/access.module';
import { AdjudicationModule } from './adjudication/adjudication.module';
import { CoverageModule } from './coverage/coverage.module';
import { FundsPaymentsModule } from './funds-payments/funds-payments.module';
import { IntakeModule } from './intake/intake.module';
import { LedgerSyncModule } from './ledger-sync/ledger-sync.module';
import { PlatformModule } from './platform/platform.module';

const slices = [
  AccessModule,
  CoverageModule,
  IntakeModule,
  AdjudicationModule,
  LedgerSyncModule,
  FundsPaymentsModule,
];

/**
 * Everything both apps share: the platform (configuration, PostgreSQL, the queues, the ledger) and
 * the feature slices, each its own module (see docs/architecture.md).
 */
@Module({
  imports: [PlatformModule, ...slices],
  exports: [PlatformModule, ...slices],
})
export class ClaimsModule {}
