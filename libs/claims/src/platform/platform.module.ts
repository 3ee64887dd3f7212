import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '@claimtrail/ledger/ledger.module';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, ConfigModule } from '../config/config.module';
import { dataSourceOptions } from '../infra/data-source';
import { redisTarget } from '../infra/redis-target';
import { TypeOrmTransactions } from '../infra/repositories/typeorm-transactions';
import { Metrics } from '../observability/metrics';
import { ClaimQueueProducer } from '../queue/claim-queue.producer';
import { QueueName } from '../queue/queue-contracts';
import { Transactions } from './transactions';

/**
 * What every feature slice stands on: configuration, PostgreSQL, the queues, the ledger and the
 * metrics. Global, so that a slice's module lists only the other slices it uses.
 */
@Global()
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
  providers: [ClaimQueueProducer, Metrics, { provide: Transactions, useClass: TypeOrmTransactions }],
  exports: [ClaimQueueProducer, Metrics, Transactions, LedgerModule, BullModule, TypeOrmModule],
})
export class PlatformModule {}
