import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { LedgerRelayService } from '@claimtrail/claims/application/ledger-relay.service';
import { Metrics } from '@claimtrail/claims/observability/metrics';
import { QueueName } from '@claimtrail/claims/queue/queue-contracts';
import { Public } from '../auth/auth.decorators';

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

/** Liveness, readiness (PostgreSQL, Redis, ledger) and Prometheus metrics. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Adjudication) private readonly queue: Queue,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly relay: LedgerRelayService,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks = {
      postgres: () => this.db.query('SELECT 1'),
      redis: () => this.queue.getJobCounts('waiting'),
      ledger: () => this.ledger.head(),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await within(2_000, check());
          return [name, { status: 'up' }] as const;
        } catch (err) {
          return [name, { status: 'down', error: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === 'up');
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'unavailable', checks: Object.fromEntries(results) };
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply) {
    const [counts, pending] = await Promise.all([this.queue.getJobCounts(), this.relay.pendingCount()]);
    for (const [state, n] of Object.entries(counts))
      this.metrics.queueDepth.set({ queue: QueueName.Adjudication, state }, n);
    this.metrics.outboxPending.set(pending);
    const { contentType, body } = await this.metrics.render();
    void reply.header('content-type', contentType);
    return body;
  }
}
