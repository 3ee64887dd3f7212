import { Inject, Injectable } from '@nestjs/common';
import {
  AdjudicationService,
  type AdjudicationOutcome,
} from '@claimtrail/claims/application/adjudication.service';
import type { AppConfig } from '@claimtrail/claims/config/app-config';
import { APP_CONFIG } from '@claimtrail/claims/config/config.module';

interface Waiting {
  claimId: string;
  resolve: (outcome: AdjudicationOutcome) => void;
  reject: (err: Error) => void;
}

/**
 * Gathers the claims of the jobs running at the same moment into batches of up to
 * ADJUDICATION_BATCH_SIZE, waiting at most ADJUDICATION_BATCH_WAIT_MS for one to fill, and
 * decides each batch in one transaction. Every job still succeeds or fails on its own claim, so
 * BullMQ's retries, stalled-job recovery and the poison-claim budget work per claim as before.
 */
@Injectable()
export class AdjudicationBatcher {
  private waiting: Waiting[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly adjudication: AdjudicationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Resolves with the claim's outcome once its batch is committed. */
  adjudicate(claimId: string): Promise<AdjudicationOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ claimId, resolve, reject });
      if (this.waiting.length >= this.config.ADJUDICATION_BATCH_SIZE) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.config.ADJUDICATION_BATCH_WAIT_MS);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.adjudication
      .adjudicateBatch(batch.map((w) => w.claimId))
      .then((results) =>
        results.forEach((r, i) => (r instanceof Error ? batch[i].reject(r) : batch[i].resolve(r))),
      )
      .catch((err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const w of batch) w.reject(error);
      });
  }
}
