import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DecisionEventStream } from '@claimtrail/ledger';
import { LedgerEventsService } from '@claimtrail/claims/application/ledger-events.service';

/**
 * Follows the ledger's decision events for as long as the worker runs (ledgers with events only,
 * i.e. Fabric), reconnecting with growing back-off, to another peer each time, when a stream breaks.
 */
@Injectable()
export class LedgerEventsLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ledger-events');
  private stopped = false;
  private stream: DecisionEventStream | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly events: LedgerEventsService) {}

  onApplicationBootstrap(): void {
    if (this.events.supported) this.running = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stream?.close();
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        this.stream = await this.events.open(attempt);
        if (this.stopped) break;
        for await (const event of this.stream) {
          await this.events.confirm(event);
          attempt = 0;
        }
        if (!this.stopped) throw new Error('the event stream ended');
      } catch (err) {
        if (this.stopped) break;
        attempt += 1;
        const delay = Math.min(10_000, 250 * 2 ** attempt);
        this.logger.warn(
          `event stream broke (${attempt} in a row), reconnecting in ${delay} ms: ${String(err)}`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      } finally {
        this.stream?.close();
        this.stream = null;
      }
    }
  }
}
