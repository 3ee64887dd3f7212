import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '@claimtrail/claims/config/app-config';
import { assertPostgresReachable, assertRedisReachable, redactUrl } from '@claimtrail/claims/infra/preflight';
import { createApiApp } from '../../../api/src/api-app';
import { createWorkerApp } from '../../../worker/src/worker-app';
import { createScratchDatabase } from '../scratch-database';

/** A fresh, migrated database with the real API and worker running against it in this process. */
export interface DemoStack {
  config: AppConfig;
  databaseUrl: string;
  baseUrl: string;
  db: DataSource;
  /** Stops the apps; drops the database and queue keys unless `keep`. */
  close(keep: boolean): Promise<void>;
}

/** Creates `claimtrail_demo_<timestamp>` on the configured server, migrates it and starts the apps. */
export async function startDemoStack(): Promise<DemoStack> {
  const base = loadConfig();
  await assertPostgresReachable(base.DATABASE_URL);
  await assertRedisReachable(base.REDIS_URL);
  const scratch = await createScratchDatabase(base, 'claimtrail_demo');

  const overrides: Record<string, string> = {
    DATABASE_URL: scratch.url,
    QUEUE_PREFIX: scratch.name,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WORKER_METRICS_PORT: '0',
    LEDGER_BATCH_WAIT_MS: '20',
    WORKER_CONCURRENCY: '16',
    // The demo's clinics and insurer send thousands of calls within a minute.
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const env = { ...process.env, ...overrides };
  // Both apps' Nest ConfigModule reads process.env, so it must agree with the config.
  Object.assign(process.env, overrides);
  const config = loadConfig(env);

  let api: NestFastifyApplication | undefined;
  let worker: INestApplicationContext | undefined;
  const close = async (keep: boolean) => {
    await worker?.close();
    await api?.close();
    await scratch.db.destroy();
    if (!keep) await scratch.drop();
  };
  try {
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    const { port } = api.getHttpServer().address() as AddressInfo;
    worker = await createWorkerApp(config);
    return { config, databaseUrl: scratch.url, baseUrl: `http://127.0.0.1:${port}`, db: scratch.db, close };
  } catch (err) {
    await close(false).catch(() => undefined);
    throw err;
  }
}

/** The database URL without its password, for printing. */
export const printableUrl = (url: string) => redactUrl(url);
