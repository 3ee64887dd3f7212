import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { ClaimsService, type Submission, type SubmissionResult, type SubmitClaim } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';

/**
 * Gathers the POST /v1/claims requests arriving at the same moment, up to SUBMISSION_BATCH_SIZE
 * or SUBMISSION_BATCH_WAIT_MS, and stores them with one statement (see ClaimsService.submitMany).
 * Each request is still answered only once its own claim is committed, with its own result; a
 * batch mixes clinics, so a claim the database refuses is stored again alone and refused alone,
 * never failing the claims of other clinics that shared its statement.
 */
@Injectable()
export class SubmissionBatcher {
  private readonly loader: DataLoader<Submission, SubmissionResult>;

  constructor(claims: ClaimsService, @Inject(APP_CONFIG) config: AppConfig) {
    this.loader = new DataLoader<Submission, SubmissionResult>((items) => claims.submitMany([...items]), {
      cache: false,
      maxBatchSize: config.SUBMISSION_BATCH_SIZE,
      batchScheduleFn: (run) => setTimeout(run, config.SUBMISSION_BATCH_WAIT_MS),
    });
  }

  /** Stores and enqueues one claim; rejects with the same errors as `ClaimsService.submit`. */
  submit(providerId: string, body: SubmitClaim): Promise<SubmissionResult> {
    return this.loader.load({ providerId, body });
  }
}
