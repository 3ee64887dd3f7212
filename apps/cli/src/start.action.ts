import { join } from 'node:path';
import concurrently from 'concurrently';
import { loadConfig } from '@claimtrail/claims/config';
import { assertRedisReachable, redisTarget } from '@claimtrail/claims';
import { assertFabricReachable } from '@claimtrail/ledger';
import { withDatabase } from './database';

/** `claimtrail migrate`: applies pending database migrations. */
export async function migrateCommand(): Promise<void> {
  const applied = await migrate();
  process.stdout.write(
    applied.length ? `applied ${applied.join(', ')}\n` : 'database schema is up to date\n',
  );
}

/** `claimtrail start`: applies pending migrations, then runs the API and the worker until stopped. */
export async function start(): Promise<void> {
  const config = loadConfig();
  await assertRedisReachable(redisTarget(config));
  if (config.LEDGER === 'fabric') await assertFabricReachable(config.FABRIC_NETWORK_CONFIG);
  const applied = await migrate();
  if (applied.length) process.stdout.write(`applied migrations: ${applied.join(', ')}\n`);
  const apps = join(__dirname, '..', '..');
  const { result } = concurrently(
    [
      {
        name: 'api',
        command: `exec "${process.execPath}" "${join(apps, 'api', 'src', 'main.js')}"`,
        prefixColor: 'cyan',
      },
      {
        name: 'worker',
        command: `exec "${process.execPath}" "${join(apps, 'worker', 'src', 'main.js')}"`,
        prefixColor: 'magenta',
      },
    ],
    { killOthersOn: ['failure', 'success'], killSignal: 'SIGTERM' },
  );
  await result.catch(() => {
    process.exitCode = 1;
  });
}

async function migrate(): Promise<string[]> {
  return withDatabase(async (db) => (await db.runMigrations({ transaction: 'each' })).map((m) => m.name));
}
