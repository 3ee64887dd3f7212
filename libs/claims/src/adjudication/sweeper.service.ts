import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClaimQueueProducer } from '../queue/claim-queue.producer';
import { AdjudicationRepository } from './adjudication.repository';

/**
 * Re-enqueues claims that have sat in `received` or `adjudicating` longer than they should:
 * a lost enqueue (Redis down at submission, or Redis restarted without persistence) or a worker
 * that died mid-job. Adjudication is idempotent, so a spurious re-enqueue costs only a no-op.
 */
@Injectable()
export class SweeperService {
  private readonly logger = new Logger(SweeperService.name);

  constructor(
    private readonly claims: AdjudicationRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'STUCK_CLAIM_AFTER_MS'>,
    private readonly queue: ClaimQueueProducer,
  ) {}

  /** One sweep; returns how many claims were re-enqueued. */
  async sweep(limit = 1_000): Promise<number> {
    const stuck = await this.claims.stuckClaimIds(this.config.STUCK_CLAIM_AFTER_MS, limit);
    if (stuck.length === 0) return 0;
    await this.queue.reenqueue(stuck);
    this.logger.warn(`re-enqueued ${stuck.length} claims stuck in received/adjudicating`);
    return stuck.length;
  }
}
