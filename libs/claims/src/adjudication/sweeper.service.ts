import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClaimStatus } from '../domain';
import { ClaimEntity } from '../infra/entities';
import { ClaimQueueProducer } from '../queue/claim-queue.producer';

/**
 * Re-enqueues claims that have sat in `received` or `adjudicating` longer than they should:
 * a lost enqueue (Redis down at submission, or Redis restarted without persistence) or a worker
 * that died mid-job. Adjudication is idempotent, so a spurious re-enqueue costs only a no-op.
 */
@Injectable()
export class SweeperService {
  private readonly logger = new Logger(SweeperService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queue: ClaimQueueProducer,
  ) {}

  /** One sweep; returns how many claims were re-enqueued. */
  async sweep(limit = 1_000): Promise<number> {
    const stuck = await this.db
      .getRepository(ClaimEntity)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.status IN (:...statuses)', { statuses: [ClaimStatus.Received, ClaimStatus.Adjudicating] })
      .andWhere(`c.updated_at < now() - make_interval(secs => :secs)`, {
        secs: this.config.STUCK_CLAIM_AFTER_MS / 1000,
      })
      .orderBy('c.updated_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    if (stuck.length === 0) return 0;
    await this.queue.reenqueue(stuck.map((r) => r.id));
    this.logger.warn(`re-enqueued ${stuck.length} claims stuck in received/adjudicating`);
    return stuck.length;
  }
}
