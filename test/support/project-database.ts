import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { assertRedisReachable } from '@claimtrail/claims/infra/preflight';
import { ADMIN_URL, projectEnvKey, queuePrefixFor, useTestSecrets } from './test-databases';

/** Pings the suites' Redis once, so that a missing Redis fails the run at once, not each suite. */
export async function requireRedis(projectName: string): Promise<void> {
  // The suites' apps and the teardown use the same.
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  try {
    await assertRedisReachable(url, 2_000);
  } catch (err) {
    throw new Error(`Redis is required by the ${projectName} suites: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Creates a fresh database for this project's run and applies every migration, so suites never
 * share state with a developer's database, another project or another run. A missing Redis or
 * PostgreSQL fails the run loudly, before anything is created (Jest does not run the global
 * teardown of a global setup that failed).
 */
export async function createProjectDatabase(projectName: string): Promise<void> {
  await requireRedis(projectName);
  const name = `claimtrail_test_${projectName}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required by the ${projectName} suites and is not reachable at ${ADMIN_URL}`,
      {
        cause: err,
      },
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  process.env[projectEnvKey(projectName)] = url.toString();

  // The same keyring the suites will load: this run's random one unless PHI_KEYS is set.
  useTestSecrets();
  const { PHI_KEYS } = loadConfig({
    PHI_KEYS: process.env.PHI_KEYS,
    MEMBER_REF_SECRET: process.env.MEMBER_REF_SECRET,
    LEDGER_HEAD_KEY: process.env.LEDGER_HEAD_KEY,
  });
  const ds = await connectDataSource({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: 2, PHI_KEYS });
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}

/**
 * Drops this project's database, every test file's copy of it, and their queue keys; set
 * KEEP_TEST_DB=1 to keep them for inspection.
 */
export async function dropProjectDatabase(projectName: string): Promise<void> {
  const url = process.env[projectEnvKey(projectName)];
  if (!url || process.env.KEEP_TEST_DB === '1') return;
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const copies: { datname: string }[] = (
    await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}\\_f%`])
  ).rows;
  for (const db of [...copies.map((c) => c.datname), name]) {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
  await admin.end();

  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  const keys = await redis.keys(`${queuePrefixFor(name)}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  redis.disconnect();
}
