import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ClaimsModule } from '@claimtrail/claims';
import type { WorkerRole } from '@claimtrail/claims/config';
import { AccessLogAnchorLoop } from './access-log-anchor.loop';
import { AdjudicationBatcher } from './adjudication-batcher';
import { AdjudicationProcessor } from './adjudication.processor';
import { LedgerEventsLoop } from './ledger-events.loop';
import { LedgerRelayLoop } from './ledger-relay.loop';
import { MetricsServer } from './metrics-server';
import { ReconcilerLoop } from './reconciler.loop';
import { SweeperLoop } from './sweeper.loop';

const ROLE_PROVIDERS: Record<WorkerRole, Provider[]> = {
  adjudication: [AdjudicationProcessor, AdjudicationBatcher],
  relay: [LedgerRelayLoop, LedgerEventsLoop],
  sweeper: [SweeperLoop],
  reconciler: [ReconcilerLoop, AccessLogAnchorLoop],
};

/** The worker: adjudication jobs, the ledger relay, the sweeper and the reconciler (any of them), and a metrics endpoint. */
@Module({})
export class WorkerModule {
  static forRoles(roles: readonly WorkerRole[]): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ClaimsModule],
      providers: [MetricsServer, ...[...new Set(roles)].flatMap((r) => ROLE_PROVIDERS[r])],
    };
  }
}
