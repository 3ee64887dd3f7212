import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '@claimtrail/ledger/ledger.module';
import { AccessLogAnchorService } from './application/access-log/access-log-anchor.service';
import { AccessLogVerifier } from './application/access-log/access-log-verifier';
import { AccessLogWriter } from './application/access-log/access-log-writer';
import { AccessLogService } from './application/access-log.service';
import { AdjudicationService } from './application/adjudication.service';
import { ApiKeysService } from './application/api-keys.service';
import { ClaimQueriesService } from './application/claim-queries.service';
import { ClaimsService } from './application/claims.service';
import { FundReportsService } from './application/fund-reports.service';
import { FundsService } from './application/funds.service';
import { LedgerEventsService } from './application/ledger-events.service';
import { LedgerRelayService } from './application/ledger-relay.service';
import { LedgerRetryService } from './application/ledger-retry.service';
import { PaymentsService } from './application/payments.service';
import { MembersService } from './application/members.service';
import { OrganizationsService } from './application/organizations.service';
import { PlansService } from './application/plans.service';
import { IntegrityOverlayService } from './application/reconciliation/integrity-overlay.service';
import { ReconcilerService } from './application/reconciliation/reconciler.service';
import { ReviewService } from './application/review.service';
import { SweeperService } from './application/sweeper.service';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG, ConfigModule } from './config/config.module';
import { dataSourceOptions } from './infra/data-source';
import { redisTarget } from './infra/redis-target';
import { ReconciliationRepository } from './infra/repositories/reconciliation.repository';
import { Metrics } from './observability/metrics';
import { ClaimQueueProducer } from './queue/claim-queue.producer';
import { QueueName } from './queue/queue-contracts';

const services = [
  OrganizationsService,
  ApiKeysService,
  AccessLogService,
  AccessLogWriter,
  AccessLogVerifier,
  AccessLogAnchorService,
  PlansService,
  MembersService,
  ClaimsService,
  ClaimQueriesService,
  AdjudicationService,
  ReviewService,
  FundsService,
  FundReportsService,
  PaymentsService,
  LedgerRelayService,
  LedgerRetryService,
  LedgerEventsService,
  SweeperService,
  ReconciliationRepository,
  ReconcilerService,
  IntegrityOverlayService,
  ClaimQueueProducer,
  Metrics,
];

/** Everything both apps share: configuration, PostgreSQL, the queues, the ledger and the use cases. */
@Module({
  imports: [
    ConfigModule,
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), retryAttempts: 0 }),
    }),
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisTarget(config), maxRetriesPerRequest: null },
        prefix: config.QUEUE_PREFIX,
      }),
    }),
    BullModule.registerQueue({ name: QueueName.Adjudication }),
    LedgerModule,
  ],
  providers: services,
  exports: [...services, LedgerModule, BullModule, TypeOrmModule],
})
export class ClaimsModule {}
