import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ClaimsModule } from '@claimtrail/claims';
import { SubmissionBatcher } from './claims/submission-batcher';
import { AccessLogController } from './access-log/access-log.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ClaimsController } from './claims/claims.controller';
import { ProblemFilter } from './common/problem.filter';
import { FundsController } from './funds/funds.controller';
import { HealthController } from './health/health.controller';
import { LedgerController } from './ledger/ledger.controller';
import { MembersController } from './members/members.controller';
import { OrganizationsController } from './organizations/organizations.controller';
import { PaymentsController } from './payments/payments.controller';
import { PlansController } from './plans/plans.controller';

/** The HTTP API. */
@Module({
  imports: [ClaimsModule],
  controllers: [
    OrganizationsController,
    PlansController,
    MembersController,
    ClaimsController,
    LedgerController,
    HealthController,
    AccessLogController,
    FundsController,
    PaymentsController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
    SubmissionBatcher,
  ],
})
export class AppModule {}
