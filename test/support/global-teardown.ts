import Redis from 'ioredis';
import { Client } from 'pg';
import { ADMIN_URL, projectEnvKey, queuePrefixFor } from './test-databases';

/** Drops this project's database and queue keys; set KEEP_TEST_DB=1 to keep them for inspection. */
export default async function globalTeardown(_: unknown, project: { displayName?: { name: string } }): Promise<void> {
  const url = process.env[projectEnvKey(project.displayName?.name ?? 'default')];
  if (!url || process.env.KEEP_TEST_DB === '1') return;
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();

  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  const keys = await redis.keys(`${queuePrefixFor(name)}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  redis.disconnect();
}
