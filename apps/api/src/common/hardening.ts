import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@claimtrail/claims/config/app-config';
import { parseApiKey } from '@claimtrail/claims/application/api-keys';

const UNLIMITED = ['/health/', '/metrics', '/docs'];

/** The caller a rate limit applies to: its API key's public prefix, else its address. */
export function rateLimitKey(req: FastifyRequest): string {
  const header = req.headers.authorization;
  const parsed = header?.startsWith('Bearer ') ? parseApiKey(header.slice(7).trim()) : null;
  return parsed ? `key:${parsed.prefix}` : `ip:${req.ip}`;
}

/**
 * Security headers, per-key rate limiting (429 with Retry-After) and CORS, which stays closed
 * unless CORS_ORIGINS names the origins a browser may call from.
 */
export async function registerHardening(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  // The API serves JSON only; Swagger UI at /docs needs its own scripts and styles.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, global: true });
  await app.register(fastifyRateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    allowList: (req) => UNLIMITED.some((p) => req.url.startsWith(p)),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new Error(`rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`),
        { statusCode: 429 },
      ),
  });
  if (config.CORS_ORIGINS.length > 0) {
    await app.register(fastifyCors, { origin: config.CORS_ORIGINS, methods: ['GET', 'POST'] });
  }
}
