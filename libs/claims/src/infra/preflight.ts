import Redis from 'ioredis';
import { Client } from 'pg';
import type { RedisTarget } from './redis-target';

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

// Node's codes for a server certificate that does not verify (unknown CA, wrong name, expired...).
const isCertificateFailure = (code: string) => /CERT|^ERR_TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);

/** Connects once to PostgreSQL; throws a one-line ServiceUnreachableError if it cannot. */
export async function assertPostgresReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const why = reason(err);
    throw new ServiceUnreachableError(
      `PostgreSQL is not reachable at ${redactUrl(url)} (${why}): ` +
        (isCertificateFailure(why)
          ? "its certificate does not verify against DATABASE_URL's sslrootcert and host name"
          : 'start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL'),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The port a Redis URL names (6379 when it names none). */
export function redisPort(url: string): number {
  try {
    return Number(new URL(url).port) || 6379;
  } catch {
    return 6379;
  }
}

/** Pings Redis once (over TLS for rediss://); throws a one-line ServiceUnreachableError if it cannot. */
export async function assertRedisReachable(target: string | RedisTarget, timeoutMs = 5_000): Promise<void> {
  const { url, tls } = typeof target === 'string' ? { url: target, tls: undefined } : target;
  const redis = new Redis(url, {
    ...(tls ? { tls } : {}),
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
    const why = reason(lastError ?? err);
    throw new ServiceUnreachableError(
      `Redis is not reachable at ${redactUrl(url)} (${why}): ` +
        (isCertificateFailure(why)
          ? "its certificate does not verify against REDIS_TLS_CA_FILE (or the system's CAs) and REDIS_URL's host name"
          : `start it (redis-server --daemonize yes --bind 127.0.0.1 --port ${redisPort(url)} --save "" --appendonly no) or set REDIS_URL`),
    );
  } finally {
    redis.disconnect();
  }
}
