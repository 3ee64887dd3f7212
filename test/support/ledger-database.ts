import { createPublicKey, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEV_LEDGER_HEAD_KEY } from '@claimtrail/claims/config/ledger-head-key';
import {
  EmbeddedLedger,
  ledgerMigrations,
  type EmbeddedLedgerOptions,
  type OrgKind,
  type TrustAnchor,
} from '@claimtrail/ledger';

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
  options: EmbeddedLedgerOptions = {},
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
    ledger: new EmbeddedLedger(db, { headKeyPem: DEV_LEDGER_HEAD_KEY, ...options }),
    async drop() {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.destroy();
    },
  };
}

/** An embedded ledger on `db` signing its heads with the development head key. */
export const testLedger = (db: DataSource, options: EmbeddedLedgerOptions = {}) =>
  new EmbeddedLedger(db, { headKeyPem: DEV_LEDGER_HEAD_KEY, ...options });

/** A trust anchor pinning `signers`' keys and the development head key. */
export function trustOf(...signers: { orgId: string; kind: OrgKind; publicKeyPem: string }[]): TrustAnchor {
  return {
    version: 1,
    organizations: signers.map((s) => ({ id: s.orgId, kind: s.kind, publicKeyPem: s.publicKeyPem })),
    msps: [],
    ledgerHeadKeyPem: publicKeyOf(DEV_LEDGER_HEAD_KEY),
  };
}

const publicKeyOf = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
