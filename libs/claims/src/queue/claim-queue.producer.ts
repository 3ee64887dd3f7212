import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { adjudicationJobId, JobName, jobOptions, QueueName } from './queue-contracts';

/** Puts claims on the adjudication queue. Thin: ids in, nothing else. */
@Injectable()
export class ClaimQueueProducer {
  private readonly logger = new Logger(ClaimQueueProducer.name);

  constructor(
    @InjectQueue(QueueName.Adjudication) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Enqueues claims for adjudication; a claim already waiting or running is left as it is. */
  async enqueueAdjudication(claimIds: readonly string[]): Promise<void> {
    if (claimIds.length === 0) return;
    await this.queue.addBulk(
      claimIds.map((claimId) => ({
        name: JobName.AdjudicateClaim,
        data: { claimId },
        opts: jobOptions(
          JobName.AdjudicateClaim,
          { claimId },
          { attempts: this.config.ADJUDICATION_ATTEMPTS },
        ),
      })),
    );
  }

  /**
   * Enqueues as above but gives up after ENQUEUE_TIMEOUT_MS and never throws: the API answers a
   * clinic without waiting on a Redis that is down (its client would queue the command until
   * Redis returns). The claim is already committed; the sweeper enqueues what this did not.
   * Returns whether the enqueue is known to have happened.
   */
  async tryEnqueue(claimIds: readonly string[]): Promise<boolean> {
    const timer = new AbortController();
    try {
      return await Promise.race([
        this.enqueueAdjudication(claimIds).then(() => true),
        sleep(this.config.ENQUEUE_TIMEOUT_MS, false, { signal: timer.signal }),
      ]);
    } catch (err) {
      this.logger.warn(`could not enqueue ${claimIds.length} claims: ${String(err)}`);
      return false;
    } finally {
      timer.abort();
    }
  }

  /**
   * Re-enqueues claims the sweeper found stuck. A job that BullMQ kept as failed would swallow a
   * plain re-add under the same id, so such a job is removed first.
   */
  async reenqueue(claimIds: readonly string[]): Promise<void> {
    for (const claimId of claimIds) {
      const job = await this.queue.getJob(adjudicationJobId(claimId));
      if (job) {
        const state = await job.getState();
        if (state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized')
          continue;
        await job
          .remove()
          .catch((err: unknown) => this.logger.warn(`could not remove job ${job.id}: ${String(err)}`));
      }
    }
    await this.enqueueAdjudication(claimIds);
  }
}
