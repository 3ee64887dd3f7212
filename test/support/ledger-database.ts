import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EmbeddedLedger } from '@claimtrail/ledger';
import { EmbeddedLedgerSchema1764000001000 } from '@claimtrail/ledger/embedded/migrations/1764000001000-embedded-ledger';

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
  const q = db.createQueryRunner();
  await new EmbeddedLedgerSchema1764000001000().up(q);
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
