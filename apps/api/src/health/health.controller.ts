import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Header, HttpCode, Inject, Logger, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { LedgerRelayService, ReconciliationRepository, Metrics, QueueName } from '@claimtrail/claims';
import { Public } from '../auth/auth.decorators';
import { OpsTokenGuard } from '../auth/ops-token.guard';

/** A check that did not answer in time; told apart from one that failed. */
class CheckTimeout extends Error {}

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new CheckTimeout(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * Liveness (open to all), and readiness (PostgreSQL, Redis, ledger) and Prometheus metrics, which
 * need the operations token and are rate limited per address (OPS_RATE_LIMIT_PER_MINUTE).
 */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  private readonly logger = new Logger('health');
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Adjudication) private readonly queue: Queue,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly relay: LedgerRelayService,
    private readonly metrics: Metrics,
    private readonly reconciliation: ReconciliationRepository,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @UseGuards(OpsTokenGuard)
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
          // The caller gets a stable code; the error's text (hosts, ports, credentials in a URL) is logged only.
          this.logger.warn(
            `readiness check ${name} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
          const error = err instanceof CheckTimeout ? 'timeout' : 'unreachable';
          return [name, { status: 'down', error }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === 'up');
    void reply.status(ok ? 200 : 503);
    const integrity = ok ? await this.integrity() : null;
    const status = !ok ? 'unavailable' : integrity?.status === 'mismatch' ? 'degraded' : 'ready';
    return { status, checks: Object.fromEntries(results), ...(integrity ? { integrity } : {}) };
  }

  /**
   * Open differences between PostgreSQL and the ledger. A mismatch degrades readiness without
   * failing it: the API keeps serving, with the ledger's figures for what differs.
   */
  private async integrity() {
    const open = await this.reconciliation.openCounts();
    const total = open.claim + open.fund + open.ledger;
    return { status: total > 0 ? ('mismatch' as const) : ('ok' as const), open };
  }

  @Get('metrics')
  @UseGuards(OpsTokenGuard)
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply) {
    const [counts, pending, open] = await Promise.all([
      this.queue.getJobCounts(),
      this.relay.pendingCount(),
      this.reconciliation.openCounts(),
    ]);
    for (const [state, n] of Object.entries(counts))
      this.metrics.queueDepth.set({ queue: QueueName.Adjudication, state }, n);
    this.metrics.outboxPending.set(pending);
    for (const [subject, n] of Object.entries(open)) this.metrics.integrityMismatches.set({ subject }, n);
    const { contentType, body } = await this.metrics.render();
    void reply.header('content-type', contentType);
    return body;
  }
}
