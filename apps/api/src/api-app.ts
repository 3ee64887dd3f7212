import { randomUUID } from 'node:crypto';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@claimtrail/claims/config';
import { AccessLogWriter } from '@claimtrail/claims';
import { registerAccessAudit } from './access-log/access-audit';
import { AppModule } from './app.module';
import { registerRateLimit } from './common/rate-limit';
import { registerCors, registerSecurityHeaders } from './common/security-headers';
import { acceptJsonBodiesOnly } from './common/json-body';
import { buildOpenApiDocument } from './common/openapi';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Builds the HTTP API (not yet listening): Fastify, problem+json errors, OpenAPI at /docs. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    // Behind a TLS-terminating proxy: only the listed proxies may name the client (X-Forwarded-For)
    // and scheme; otherwise the peer is the client.
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    genReqId: () => randomUUID(),
    // Keys such as __proto__ in a body are refused rather than silently dropped or honoured.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
    abortOnError: false,
    // Nest would add a JSON and a form-encoded parser; the API has one of its own, for JSON only.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonBodiesOnly(fastify, config.BODY_LIMIT_BYTES);
  await registerSecurityHeaders(app);
  await registerRateLimit(app, config);
  await registerCors(app, config);
  registerAccessAudit(fastify, app.get(AccessLogWriter));
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app));
  app.enableShutdownHooks();
  return app;
}
