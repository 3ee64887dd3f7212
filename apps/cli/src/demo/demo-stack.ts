import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '@claimtrail/claims/config';
import { assertPostgresReachable, assertRedisReachable, redactUrl, redisTarget } from '@claimtrail/claims';
import { AppProcess, freePort } from '../app-process';
import { createScratchDatabase } from '../scratch-database';

/**
 * A fresh, migrated database with the real API and worker running against it, each as its own
 * process started from the build, as `npm start` and `npm run start:worker` start them.
 */
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
  await assertRedisReachable(redisTarget(base));
  const scratch = await createScratchDatabase(base, 'claimtrail_demo');

  const port = await freePort();
  const overrides: Record<string, string> = {
    DATABASE_URL: scratch.url,
    QUEUE_PREFIX: scratch.name,
    PORT: String(port),
    HOST: '127.0.0.1',
    // The apps' output is kept for an error message, not printed: the worker says when it is ready.
    LOG_LEVEL: 'log',
    WORKER_METRICS_PORT: '0',
    LEDGER_BATCH_WAIT_MS: '20',
    WORKER_CONCURRENCY: '16',
    // The demo's clinics and insurer send thousands of calls within a minute.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
  };
  const env = { ...process.env, ...overrides };
  // What the demo itself reads (the ledger it checks) must agree with the apps.
  Object.assign(process.env, overrides);
  const config = loadConfig(env);

  const api = new AppProcess('api', env);
  const worker = new AppProcess('worker', env);
  const close = async (keep: boolean) => {
    await worker.stop('SIGTERM');
    await api.stop('SIGTERM');
    await scratch.db.destroy();
    if (!keep) await scratch.drop();
  };
  try {
    await api.start();
    await worker.start();
    return { config, databaseUrl: scratch.url, baseUrl: `http://127.0.0.1:${port}`, db: scratch.db, close };
  } catch (err) {
    await close(false).catch(() => undefined);
    throw err;
  }
}

/** The database URL without its password, for printing. */
export const printableUrl = (url: string) => redactUrl(url);
