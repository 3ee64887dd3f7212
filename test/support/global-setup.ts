import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';

const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a fresh database for this run and applies every migration, so suites never share
 * state with a developer's database or with another run. A missing PostgreSQL fails the run.
 */
export default async function globalSetup(): Promise<void> {
  const name = `claimtrail_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is required for the integration and e2e suites and is not reachable at ${ADMIN_URL}: ${String(err)}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.TEST_DATABASE_NAME = name;
  process.env.QUEUE_PREFIX = `test_${name}`;
  process.env.NODE_ENV = 'test';

  const ds = await connectDataSource({ DATABASE_URL: process.env.DATABASE_URL, DATABASE_POOL_SIZE: 2 });
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}
