import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { chainRows, type AccessLogEntry } from '../../domain/access-log-chain';
import { Transactions } from '../../platform/transactions';
import { AccessLogRepository } from '../access-log.repository';

// Beyond this many unwritten rows (the database is down) the oldest are dropped and counted.
const MAX_BUFFERED = 100_000;

/**
 * Appends access-log entries to the hash chain in batches: `record` only buffers; a flush every
 * ACCESS_LOG_FLUSH_MS (or once ACCESS_LOG_BATCH_SIZE rows wait) chains them after the stored head
 * and inserts them in one statement, under a lock that serialises every process's writers. A crash
 * loses what was buffered and not yet flushed; shutdown flushes.
 */
@Injectable()
export class AccessLogWriter implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('access-log');
  private buffer: AccessLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private closed = false;
  private queued = false;

  constructor(
    private readonly transactions: Transactions,
    private readonly log: AccessLogRepository,
    @Inject(APP_CONFIG)
    private readonly config: Pick<AppConfig, 'ACCESS_LOG_BATCH_SIZE' | 'ACCESS_LOG_FLUSH_MS'>,
  ) {}

  /** Buffers one entry; it reaches the database within ACCESS_LOG_FLUSH_MS. */
  record(entry: AccessLogEntry): void {
    this.buffer.push(storable(entry));
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
    }
    if (this.buffer.length >= this.config.ACCESS_LOG_BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.config.ACCESS_LOG_FLUSH_MS).unref();
  }

  /** Writes everything buffered so far; resolves once it is stored (or has failed and is kept for the next try). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // One drain waiting to start takes everything buffered by the time it starts.
    if (!this.queued) {
      this.queued = true;
      this.flushing = this.flushing.then(() => {
        this.queued = false;
        return this.drain();
      });
    }
    return this.flushing;
  }

  // Before the database closes; then once more for answers that were still being sent.
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.ACCESS_LOG_BATCH_SIZE);
      try {
        await this.append(batch);
      } catch (err) {
        if (isDataError(err)) {
          await this.appendOneByOne(batch);
          continue;
        }
        this.buffer.unshift(...batch);
        if (this.closed) {
          this.logger.error(`${this.buffer.length} access-log rows lost at shutdown: ${String(err)}`);
          this.buffer = [];
          return;
        }
        this.logger.error(
          `access-log rows not written (${this.buffer.length} kept for the next flush): ${String(err)}`,
        );
        this.timer ??= setTimeout(() => void this.flush(), 1_000).unref();
        return;
      }
    }
    if (this.dropped > 0) {
      this.logger.error(
        `${this.dropped} access-log rows were dropped while the database could not take them`,
      );
      this.dropped = 0;
    }
  }

  // A row the database refuses for its content must not hold back the rows written with it.
  private async appendOneByOne(batch: AccessLogEntry[]): Promise<void> {
    for (const [i, entry] of batch.entries()) {
      try {
        await this.append([entry]);
      } catch (err) {
        if (!isDataError(err)) {
          this.buffer.unshift(...batch.slice(i));
          throw err;
        }
        this.logger.error(`access-log row refused by the database and dropped: ${String(err)}`);
      }
    }
  }

  // Under the chain's lock, the batch is chained after the stored head and written in one statement.
  private async append(batch: AccessLogEntry[]): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.log.lockChain(tx);
      const head = await this.log.head(tx);
      await this.log.insertChained(tx, chainRows(batch, head ? head.seq + 1 : 1, head?.hash ?? null));
    });
  }
}

const MAX_TEXT = 512;
// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// PostgreSQL text holds no NUL and JSON no lone surrogate; whatever a caller put in a path is cut to size.
function text(value: string): string;
function text(value: string | null): string | null;
function text(value: string | null): string | null {
  if (value === null) return null;
  return value.slice(0, MAX_TEXT).replace(UNSTORABLE, '\uFFFD');
}

function storable(e: AccessLogEntry): AccessLogEntry {
  return {
    ...e,
    route: text(e.route),
    subjectIds: e.subjectIds.map((id) => text(id)),
    cursor: text(e.cursor),
    keyPrefix: text(e.keyPrefix),
    requestId: text(e.requestId),
    clientAddress: text(e.clientAddress),
  };
}

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the row, not the database, is at fault.
function isDataError(err: unknown): boolean {
  const code =
    (err as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ??
    (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
