import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { assertPostgresReachable, assertRedisReachable, redactUrl } from '@claimtrail/claims/infra/preflight';
import { createApiApp } from '../../../api/src/api-app';
import { createWorkerApp } from '../../../worker/src/worker-app';

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

  const name = `claimtrail_demo_${Date.now()}`;
  const admin = new Client({ connectionString: base.DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.DATABASE_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const overrides: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: name,
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

  let db: DataSource | undefined;
  let api: NestFastifyApplication | undefined;
  let worker: INestApplicationContext | undefined;
  const close = async (keep: boolean) => {
    await worker?.close();
    await api?.close();
    await db?.destroy();
    if (keep) return;
    await dropDatabase(base.DATABASE_URL, name);
    await dropQueueKeys(config.REDIS_URL, name);
  };
  try {
    db = await connectDataSource({ ...config, DATABASE_POOL_SIZE: 4 });
    await db.runMigrations({ transaction: 'each' });
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    const { port } = api.getHttpServer().address() as AddressInfo;
    worker = await createWorkerApp(config);
    return { config, databaseUrl, baseUrl: `http://127.0.0.1:${port}`, db, close };
  } catch (err) {
    await close(false).catch(() => undefined);
    throw err;
  }
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

/** The database URL without its password, for printing. */
export const printableUrl = (url: string) => redactUrl(url);
