import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { assertPostgresReachable } from '@claimtrail/claims/infra/preflight';

/** Opens the configured database for one command and closes it afterwards. */
export async function withDatabase<T>(fn: (db: DataSource) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await assertPostgresReachable(config.DATABASE_URL);
  const db = await connectDataSource({ ...config, DATABASE_POOL_SIZE: 4 });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}
