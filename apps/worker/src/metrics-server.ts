import { createServer, type Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { LedgerRelayService, Metrics, opsTokenMatcher, QueueName } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';

/**
 * Serves the worker's own Prometheus metrics on WORKER_METRICS_PORT (0 turns it off) to holders of
 * the operations token (`Authorization: Bearer <OPS_TOKEN>`; unset, to nobody).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private readonly logger = new Logger(MetricsServer.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly relay: LedgerRelayService,
    @InjectQueue(QueueName.Adjudication) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.WORKER_METRICS_PORT === 0) return;
    const authorized = opsTokenMatcher(this.config.OPS_TOKEN);
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      if (!authorized(req.headers.authorization)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        return;
      }
      this.render()
        .then(({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body))
        .catch((err: unknown) => {
          // The scraper learns only that metrics failed; what failed goes to the log.
          this.logger.error(`metrics failed: ${err instanceof Error ? err.message : String(err)}`);
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics_unavailable\n');
        });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject).listen(this.config.WORKER_METRICS_PORT, this.config.HOST, resolve);
    });
    this.logger.log(`metrics on http://${this.config.HOST}:${this.config.WORKER_METRICS_PORT}/metrics`);
  }

  private async render() {
    const [counts, pending] = await Promise.all([this.queue.getJobCounts(), this.relay.pendingCount()]);
    for (const [state, n] of Object.entries(counts))
      this.metrics.queueDepth.set({ queue: QueueName.Adjudication, state }, n);
    this.metrics.outboxPending.set(pending);
    return this.metrics.render();
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
