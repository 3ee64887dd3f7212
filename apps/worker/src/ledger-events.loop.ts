import { Injectable, Logger } from '@nestjs/common';
import type { DecisionEventStream } from '@claimtrail/ledger';
import { LedgerEventsService } from '@claimtrail/claims';
import { PeriodicTask, WorkerLoop } from './periodic-task';

/**
 * Follows the ledger's decision events for as long as the worker runs (ledgers with events only,
 * i.e. Fabric). Each step reads one stream until it breaks; the task then opens the next, on
 * another peer each time, with growing back-off while no event comes through.
 */
@Injectable()
export class LedgerEventsLoop extends WorkerLoop {
  protected readonly task = new PeriodicTask('ledger-events', () => this.follow(), 250, 10_000);
  private readonly logger = new Logger('ledger-events');
  private stopping = false;
  private stream: DecisionEventStream | null = null;
  /** Streams broken since the last event dealt with; picks the peer the next one is opened on. */
  private breaks = 0;

  constructor(private readonly events: LedgerEventsService) {
    super();
  }

  override onApplicationBootstrap(): void {
    if (this.events.supported) super.onApplicationBootstrap();
  }

  override async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.stream?.close();
    await super.onApplicationShutdown();
  }

  /** Reads one stream; a stream that broke after events came through counts as a step done. */
  private async follow(): Promise<boolean> {
    let confirmed = 0;
    try {
      this.stream = await this.events.open(this.breaks);
      if (this.stopping) return false;
      for await (const event of this.stream) {
        await this.events.confirm(event);
        confirmed += 1;
        this.breaks = 0;
      }
      if (!this.stopping) throw new Error('the event stream ended');
      return false;
    } catch (err) {
      if (this.stopping) return false;
      this.breaks += 1;
      if (confirmed === 0) throw err;
      this.logger.warn(`event stream broke after ${confirmed} events, reopening: ${String(err)}`);
      return false;
    } finally {
      this.stream?.close();
      this.stream = null;
    }
  }
}
