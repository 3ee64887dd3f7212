import 'tsconfig-paths/register';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { ADMIN_URL, projectEnvKey } from './test-databases';

/**
 * Creates a fresh database for this project's run and applies every migration, so suites never
 * share state with a developer's database, another project or another run. A missing
 * PostgreSQL fails the run loudly.
 */
export default async function globalSetup(_: unknown, project: { displayName?: { name: string } }): Promise<void> {
  const projectName = project.displayName?.name ?? 'default';
  const name = `claimtrail_test_${projectName}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is required by the ${projectName} suites and is not reachable at ${ADMIN_URL}: ${String(err)}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  process.env[projectEnvKey(projectName)] = url.toString();

  const ds = await connectDataSource({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: 2 });
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}
