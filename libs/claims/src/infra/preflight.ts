import Redis from 'ioredis';
import { Client } from 'pg';

/** A dependency that is not reachable at start-up; its message is one line meant for a person. */
export class ServiceUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnreachableError';
  }
}

/** Hides the password in a connection URL before it is printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const reason = (err: unknown): string =>
  (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));

/** Connects once to PostgreSQL; throws a one-line ServiceUnreachableError if it cannot. */
export async function assertPostgresReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new ServiceUnreachableError(
      `PostgreSQL is not reachable at ${redactUrl(url)} (${reason(err)}): start it ` +
        `(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Pings Redis once; throws a one-line ServiceUnreachableError if it cannot. */
export async function assertRedisReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on('error', (err) => (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new ServiceUnreachableError(
      `Redis is not reachable at ${redactUrl(url)} (${reason(lastError ?? err)}): start it ` +
        `(redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }
}
