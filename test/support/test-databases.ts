import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** Server used to create and drop the per-run test databases. */
export const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Environment variable carrying a project's database URL from global setup to its test files. */
export const projectEnvKey = (project: string) => `CLAIMTRAIL_TEST_DATABASE_URL_${project.toUpperCase()}`;

/** BullMQ key prefix for a test database, so runs never share queues. */
export const queuePrefixFor = (databaseName: string) => `test_${databaseName}`;

/** The name given to a test file's copy of its project's database: the project's name and a suffix. */
export const fileDatabaseName = (projectDatabase: string) =>
  `${projectDatabase}_f${randomBytes(3).toString('hex')}`;

/**
 * Gives this test file a database and queues of its own: a copy of the project's freshly migrated
 * database (its template, which nothing else connects to) and a queue prefix named after it. A suite
 * can then assert what is in the database and the queues without counting another suite's rows,
 * whatever the number of Jest workers; the project's global teardown drops the copies.
 */
export function useProjectDatabase(project: string): void {
  const template = process.env[projectEnvKey(project)];
  if (!template) throw new Error(`no test database for ${project}: did the global setup run?`);
  const url = new URL(template);
  const name = fileDatabaseName(url.pathname.slice(1));
  // Synchronous, because Jest runs setup files before any hook; psql is PostgreSQL's own client.
  execFileSync(
    'psql',
    [ADMIN_URL, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name} TEMPLATE ${url.pathname.slice(1)}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    },
  );
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.QUEUE_PREFIX = queuePrefixFor(name);
  process.env.NODE_ENV = 'test';
}

/**
 * Real random secrets for this run, unless the environment gives its own: the suites run the way
 * production does (no development secrets), and every process of the run inherits the same ones.
 */
export function useTestSecrets(): void {
  process.env.MEMBER_REF_SECRET ??= randomBytes(32).toString('base64');
  process.env.PHI_KEYS ??= `test:${randomBytes(32).toString('base64')}`;
  process.env.LEDGER_HEAD_KEY ??= generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}
