/** Server used to create and drop the per-run test databases. */
export const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Environment variable carrying a project's database URL from global setup to its test files. */
export const projectEnvKey = (project: string) => `CLAIMTRAIL_TEST_DATABASE_URL_${project.toUpperCase()}`;

/** BullMQ key prefix for a test database, so runs never share queues. */
export const queuePrefixFor = (databaseName: string) => `test_${databaseName}`;

/** Points this test file's configuration at its project's database and queues. */
export function useProjectDatabase(project: string): void {
  const url = process.env[projectEnvKey(project)];
  if (!url) throw new Error(`no test database for ${project}: did the global setup run?`);
  process.env.DATABASE_URL = url;
  process.env.QUEUE_PREFIX = queuePrefixFor(new URL(url).pathname.slice(1));
  process.env.NODE_ENV = 'test';
}
