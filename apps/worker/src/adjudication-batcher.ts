import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import {
  AdjudicationService,
  type AdjudicationOutcome,
} from '@claimtrail/claims/application/adjudication.service';
import type { AppConfig } from '@claimtrail/claims/config/app-config';
import { APP_CONFIG } from '@claimtrail/claims/config/config.module';

/**
 * Gathers the claims of the jobs running at the same moment into batches of up to
 * ADJUDICATION_BATCH_SIZE, waiting at most ADJUDICATION_BATCH_WAIT_MS for one to fill, and
 * decides each batch in one transaction. Every job still succeeds or fails on its own claim, so
 * BullMQ's retries, stalled-job recovery and the poison-claim budget work per claim as before.
 */
@Injectable()
export class AdjudicationBatcher {
  private readonly loader: DataLoader<string, AdjudicationOutcome>;

  constructor(adjudication: AdjudicationService, @Inject(APP_CONFIG) config: AppConfig) {
    this.loader = new DataLoader((claimIds) => adjudication.adjudicateBatch([...claimIds]), {
      cache: false,
      maxBatchSize: config.ADJUDICATION_BATCH_SIZE,
      batchScheduleFn: (run) => setTimeout(run, config.ADJUDICATION_BATCH_WAIT_MS),
    });
  }

  /** Resolves with the claim's outcome once its batch is committed. */
  adjudicate(claimId: string): Promise<AdjudicationOutcome> {
    return this.loader.load(claimId);
  }
}
