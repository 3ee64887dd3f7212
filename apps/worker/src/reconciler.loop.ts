import { Inject, Injectable } from '@nestjs/common';
import { ReconcilerService } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';
import { PeriodicTask, WorkerLoop } from './periodic-task';

/**
 * Holds PostgreSQL against the ledger, and the ledger's store against its chain: a full pass of
 * each when it starts (and every RECONCILE_FULL_INTERVAL_MS), an incremental one of each every
 * RECONCILE_INTERVAL_MS.
 */
@Injectable()
export class ReconcilerLoop extends WorkerLoop {
  protected readonly task: PeriodicTask;
  private lastFull = 0;

  constructor(reconciler: ReconcilerService, @Inject(APP_CONFIG) config: AppConfig) {
    super();
    const fullEvery = config.RECONCILE_FULL_INTERVAL_MS;
    this.task = new PeriodicTask(
      'reconciler',
      async () => {
        const due = !reconciler.started || (fullEvery > 0 && Date.now() - this.lastFull >= fullEvery);
        if (due) {
          await reconciler.checkLedgerStore(true);
          await reconciler.full();
          this.lastFull = Date.now();
        } else {
          await reconciler.checkLedgerStore();
          await reconciler.incremental();
        }
        return false;
      },
      config.RECONCILE_INTERVAL_MS,
      Math.max(5_000, config.RECONCILE_INTERVAL_MS),
    );
  }
}
