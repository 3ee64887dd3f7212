import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import type { AppConfig } from '@claimtrail/claims/config';

// Liveness stays cheap (no Redis round trip) and the OpenAPI page is static.
const UNLIMITED = ['/health/live', '/docs'];
const OPERATIONAL = ['/health/ready', '/metrics'];

const isOperational = (req: FastifyRequest) => OPERATIONAL.some((p) => req.url.startsWith(p));

/**
 * The counter a request counts against before its key is checked: its client address (the real
 * client's behind a TRUST_PROXY proxy), with a bucket of its own for the operational endpoints.
 */
export function addressLimitKey(req: FastifyRequest): string {
  return `${isOperational(req) ? 'ops' : 'ip'}:${req.ip}`;
}

/**
 * Rate limiting. Every request but liveness and /docs counts against its client address first; an
 * authenticated one then also counts against its organization (see ApiKeyGuard, which uses the
 * `createRateLimit` this registers). Counters live in Redis, so every API process shares them;
 * when Redis does not answer, requests are let through rather than refused (the queue and the
 * readiness check report Redis down).
 */
export async function registerRateLimit(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const redis = new Redis(config.REDIS_URL, {
    // A command waits for neither a reconnection nor a slow server: the limiter lets it through.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1_000,
  });
  // Connection errors surface as failed commands (let through) and in /health/ready.
  redis.on('error', () => undefined);
  // Counting starts with the first request: wait (briefly) for the connection, since without an
  // offline queue a command sent before it is ready fails, and its request would go uncounted.
  await ready(redis, 2_000);
  fastify.addHook('onClose', async () => {
    redis.disconnect();
  });
  await app.register(fastifyRateLimit, {
    redis,
    nameSpace: `${config.QUEUE_PREFIX}:rate-limit:`,
    skipOnError: true,
    max: (req) =>
      isOperational(req) ? config.OPS_RATE_LIMIT_PER_MINUTE : config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: addressLimitKey,
    allowList: (req) => UNLIMITED.some((p) => req.url.startsWith(p)),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new Error(`rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`),
        { statusCode: 429 },
      ),
  });
}

/** Resolves once `redis` is ready, or after `ms` (the limiter then fails open until it connects). */
function ready(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}
