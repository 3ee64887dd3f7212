import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EmbeddedLedger, ledgerMigrations } from '@claimtrail/ledger';

/** A short random tag for ids and schema names that must not collide between suites. */
export const tag = () => randomBytes(4).toString('hex');

/** A DataSource on the project's test database; `extra` goes to the pg pool. */
export const connect = (extra: Record<string, unknown> = {}) =>
  new DataSource({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    extra: { max: 4, ...extra },
  }).initialize();

/**
 * An embedded ledger in a schema of its own, for suites that tamper with the chain on purpose
 * so that suites sharing the database never see a broken chain.
 */
export async function privateLedger(
  prefix: string,
): Promise<{ db: DataSource; ledger: EmbeddedLedger; drop(): Promise<void> }> {
  const schema = `${prefix}_${tag()}`;
  const admin = await connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  const db = await connect({ options: `-c search_path=${schema}` });
  // The ledger's own migrations, all of them, so the private schema is the one the platform runs.
  const q = db.createQueryRunner();
  for (const Migration of ledgerMigrations) await new Migration().up(q);
  await q.release();
  return {
    db,
    ledger: new EmbeddedLedger(db),
    async drop() {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.destroy();
    },
  };
}
