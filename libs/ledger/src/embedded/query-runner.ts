import type { DataSource, QueryRunner } from 'typeorm';

type IsolationLevel = NonNullable<Parameters<QueryRunner['startTransaction']>[0]>;

/** How `withQueryRunner` wraps the work: no transaction, a read-write or a read-only one. */
export type RunnerMode = { tx: 'none' } | { tx: 'read-write' | 'read-only'; isolation: IsolationLevel };

/** Runs `work` on a dedicated connection, committing on success and rolling back on failure. */
export async function withQueryRunner<T>(
  dataSource: DataSource,
  mode: RunnerMode,
  work: (q: QueryRunner) => Promise<T>,
): Promise<T> {
  const q = dataSource.createQueryRunner();
  try {
    await q.connect();
    if (mode.tx !== 'none') {
      await q.startTransaction(mode.isolation);
      if (mode.tx === 'read-only') await q.query('SET TRANSACTION READ ONLY');
    }
    const result = await work(q);
    if (q.isTransactionActive) await q.commitTransaction();
    return result;
  } catch (err) {
    if (q.isTransactionActive) await q.rollbackTransaction();
    throw err;
  } finally {
    await q.release();
  }
}
