import { Inject, Injectable } from '@nestjs/common';
import { SweeperService } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';
import { PeriodicTask, WorkerLoop } from './periodic-task';

/** Re-enqueues claims stuck in `received` or `adjudicating`, every SWEEP_INTERVAL_MS. */
@Injectable()
export class SweeperLoop extends WorkerLoop {
  protected readonly task: PeriodicTask;

  constructor(sweeper: SweeperService, @Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.task = new PeriodicTask(
      'sweeper',
      async () => {
        await sweeper.sweep();
        return false;
      },
      config.SWEEP_INTERVAL_MS,
    );
  }
}
