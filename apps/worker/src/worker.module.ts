import { Module } from '@nestjs/common';
import { ClaimsModule } from '@claimtrail/claims/claims.module';
import { AdjudicationBatcher } from './adjudication-batcher';
import { AdjudicationProcessor } from './adjudication.processor';
import { LedgerRelayLoop } from './ledger-relay.loop';
import { MetricsServer } from './metrics-server';
import { SweeperLoop } from './sweeper.loop';

/** The worker: adjudication jobs, the ledger relay, the sweeper and a metrics endpoint. */
@Module({
  imports: [ClaimsModule],
  providers: [AdjudicationProcessor, AdjudicationBatcher, LedgerRelayLoop, SweeperLoop, MetricsServer],
})
export class WorkerModule {}
