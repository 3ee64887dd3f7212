import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@claimtrail/claims/config';

/** Content-Security-Policy of every API answer. */
const API_CSP = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * Content-Security-Policy of the Swagger UI: scripts, styles, fonts and the OpenAPI document from
 * this server only; inline styles, which Swagger UI sets on its elements, are the one allowance.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every answer. */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  // The API serves JSON only: nothing it sends may load, run or frame anything.
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
  });
  // Swagger UI at /docs runs its own scripts and styles, from this server only.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (req, reply) => {
      if (req.url === '/docs' || req.url.startsWith('/docs/'))
        reply.header('content-security-policy', DOCS_CSP);
    });
}

/** CORS, which stays closed unless CORS_ORIGINS names the origins a browser may call from. */
export async function registerCors(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (config.CORS_ORIGINS.length > 0) {
    await app.register(fastifyCors, { origin: config.CORS_ORIGINS, methods: ['GET', 'POST'] });
  }
}
