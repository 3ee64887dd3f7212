import { Inject, Injectable } from '@nestjs/common';
import { LedgerRelayService } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';
import { PeriodicTask, WorkerLoop } from './periodic-task';

/** The ledger processor: drains the outbox in batches bounded by size (LEDGER_BATCH_SIZE) and time (LEDGER_BATCH_WAIT_MS). */
@Injectable()
export class LedgerRelayLoop extends WorkerLoop {
  protected readonly task: PeriodicTask;

  constructor(relay: LedgerRelayService, @Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.task = new PeriodicTask(
      'ledger-relay',
      async () => {
        const r = await relay.drainOnce();
        if (r.failed > 0) throw new Error(`${r.failed} records not accepted by the ledger`);
        return r.committed + r.rejected >= config.LEDGER_BATCH_SIZE;
      },
      config.LEDGER_BATCH_WAIT_MS,
    );
  }
}
