import { Inject, Injectable } from '@nestjs/common';
import { AccessLogAnchorService } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';
import { PeriodicTask, WorkerLoop } from './periodic-task';

/** Writes the access log's head to the embedded ledger every ACCESS_LOG_ANCHOR_INTERVAL_MS (0: never). */
@Injectable()
export class AccessLogAnchorLoop extends WorkerLoop {
  protected readonly task: PeriodicTask;
  private readonly enabled: boolean;

  constructor(anchors: AccessLogAnchorService, @Inject(APP_CONFIG) config: AppConfig) {
    super();
    // The Fabric network has no organization for the operator that signs anchors (yet).
    this.enabled = config.ACCESS_LOG_ANCHOR_INTERVAL_MS > 0 && config.LEDGER === 'embedded';
    this.task = new PeriodicTask(
      'access-log-anchor',
      async () => {
        await anchors.anchor();
        return false;
      },
      Math.max(1, config.ACCESS_LOG_ANCHOR_INTERVAL_MS),
      Math.max(5_000, config.ACCESS_LOG_ANCHOR_INTERVAL_MS),
    );
  }

  override onApplicationBootstrap(): void {
    if (this.enabled) super.onApplicationBootstrap();
  }
}
