import { execFileSync } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import type { DataSource } from 'typeorm';

/** The commit being measured, or null outside a git checkout. */
export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Settings of the PostgreSQL server that the figures depend on, as the server reports them. */
const POSTGRES_SETTINGS = [
  'server_version',
  'shared_buffers',
  'max_wal_size',
  'checkpoint_timeout',
  'wal_compression',
  'synchronous_commit',
  'fsync',
  'autovacuum',
];

/** The values of POSTGRES_SETTINGS on the server behind `db`. */
export async function postgresSettings(db: DataSource): Promise<Record<string, string>> {
  const rows = (await db.query(
    `SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1)`,
    [POSTGRES_SETTINGS],
  )) as { name: string; value: string }[];
  const byName = new Map(rows.map((r) => [r.name, r.value]));
  return Object.fromEntries(POSTGRES_SETTINGS.map((n) => [n, byName.get(n) ?? 'unknown']));
}

/** The machine a figure was measured on. */
export async function machineDescription(db: DataSource) {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${platform()} ${release()}`,
    postgres: await postgresSettings(db),
  };
}
