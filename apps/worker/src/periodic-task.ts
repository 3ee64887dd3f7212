import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Runs an async step over and over: again at once while it reports more work, after `idleMs`
 * when it reports none, and with growing back-off after failures. `stop()` waits for the step
 * in flight, so shutdown never cuts one in half.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private failures = 0;
  private readonly logger: Logger;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<boolean>,
    private readonly idleMs: number,
    private readonly maxBackoffMs = 5_000,
  ) {
    this.logger = new Logger(name);
  }

  /** Starts the loop. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop and waits for the step in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = null));
    }, ms);
  }

  private async tick(): Promise<void> {
    let next = this.idleMs;
    try {
      const more = await this.step();
      this.failures = 0;
      if (more) next = 0;
    } catch (err) {
      this.failures += 1;
      next = Math.min(this.maxBackoffMs, this.idleMs * 2 ** this.failures);
      this.logger.warn(
        `${this.name} failed (${this.failures} in a row), retrying in ${next} ms: ${String(err)}`,
      );
    }
    this.schedule(next);
  }
}

/** A worker component that runs one PeriodicTask from application start to shutdown. */
export abstract class WorkerLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly task: PeriodicTask;

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
