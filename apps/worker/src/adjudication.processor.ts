import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { AdjudicationService, Metrics, JobName, QueueName, type JobPayloads } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';
import { DomainError } from '@claimtrail/claims/domain';
import { AdjudicationBatcher } from './adjudication-batcher';

type Handlers = { [N in JobName]: (data: JobPayloads[N]) => Promise<unknown> };

/**
 * Consumes the adjudication queue. Stalled-job settings: a job whose worker stops renewing its
 * 30 s lock is moved back to waiting once (maxStalledCount 1) and then failed, after which the
 * sweeper re-enqueues the claim; adjudication is idempotent, so a re-run is harmless.
 */
@Processor(QueueName.Adjudication, { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 1 })
export class AdjudicationProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(AdjudicationProcessor.name);
  // One handler per job name, checked by the compiler: a name without a handler does not build.
  private readonly handlers: Handlers = {
    [JobName.AdjudicateClaim]: ({ claimId }) => this.adjudicateClaim(claimId),
  };

  constructor(
    private readonly adjudication: AdjudicationService,
    private readonly batcher: AdjudicationBatcher,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as JobName] as ((data: unknown) => Promise<unknown>) | undefined;
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return handler(job.data);
  }

  private async adjudicateClaim(claimId: string): Promise<unknown> {
    const done = this.metrics.adjudicationSeconds.startTimer();
    try {
      const outcome = await this.batcher.adjudicate(claimId);
      done({ outcome: outcome.kind === 'decided' ? outcome.status : 'skipped' });
      return outcome;
    } catch (err) {
      done({ outcome: 'error' });
      // A domain refusal will refuse again on every retry; only transient failures are retried.
      if (err instanceof DomainError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  @OnWorkerEvent('completed')
  onCompleted(): void {
    this.metrics.jobsCompleted.inc({ queue: QueueName.Adjudication });
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, err: Error): Promise<void> {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    this.metrics.jobsFailed.inc({ queue: QueueName.Adjudication, final: String(final) });
    this.logger.warn(
      `job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}${final ? ', final' : ''}): ${err.message}`,
    );
    if (!final || !job || job.name !== JobName.AdjudicateClaim) return;
    const { claimId } = job.data as JobPayloads[JobName.AdjudicateClaim];
    // If even this write fails, the claim stays `adjudicating` and the sweeper tries again later.
    await this.adjudication
      .markFailed(claimId, err.message)
      .catch((e: unknown) => this.logger.error(`could not park claim ${claimId} in error: ${String(e)}`));
  }
}
