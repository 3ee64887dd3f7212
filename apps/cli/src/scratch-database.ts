import Redis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@claimtrail/claims/config';
import { connectDataSource, redisTarget, type RedisTarget } from '@claimtrail/claims';

/**
 * A database of its own on the configured server, for the demo and the benchmark: created and
 * migrated on start, dropped (with its queue keys) at the end unless the user keeps it.
 */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** A small pool of the command's own on the new database. */
  db: DataSource;
  drop(): Promise<void>;
}

/** Creates `<prefix>_<timestamp>` next to `config.DATABASE_URL` and applies every migration. */
export async function createScratchDatabase(config: AppConfig, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now()}`;
  await admin(config.DATABASE_URL, `CREATE DATABASE ${name}`);
  const url = new URL(config.DATABASE_URL);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin(config.DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropQueueKeys(redisTarget(config), name);
  };
  try {
    const db = await connectDataSource({ ...config, DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: 4 });
    await db.runMigrations({ transaction: 'each' });
    return { name, url: url.toString(), db, drop };
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Deletes every BullMQ key under `prefix`. */
export async function dropQueueKeys(target: RedisTarget, prefix: string): Promise<void> {
  const redis = new Redis(target.url, { lazyConnect: true, ...(target.tls ? { tls: target.tls } : {}) });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}
