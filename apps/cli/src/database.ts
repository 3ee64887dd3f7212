// The services and entities these commands load are decorated for NestJS and TypeORM.
import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { createLedger, type LedgerPort } from '@claimtrail/ledger';
import { ledgerSettings, loadConfig } from '@claimtrail/claims/config';
import { connectDataSource, assertPostgresReachable } from '@claimtrail/claims';

/** Opens the configured database for one command and closes it afterwards. */
export async function withDatabase<T>(fn: (db: DataSource) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await assertPostgresReachable(config.DATABASE_URL);
  const db = await connectDataSource({ ...config, DATABASE_POOL_SIZE: 4 });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Runs `fn` against the configured ledger (LEDGER): the embedded one on the database, or Fabric. */
export async function withLedger<T>(fn: (ledger: LedgerPort) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.LEDGER === 'embedded') return withDatabase((db) => fn(createLedger(ledgerSettings(config), db)));
  const ledger = createLedger(ledgerSettings(config));
  try {
    return await fn(ledger);
  } finally {
    ledger.close();
  }
}

/** Runs `fn` with the configured database and the configured ledger beside it. */
export async function withDatabaseAndLedger<T>(
  fn: (db: DataSource, ledger: LedgerPort) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  return withDatabase(async (db) => {
    const ledger = createLedger(ledgerSettings(config), db);
    try {
      return await fn(db, ledger);
    } finally {
      ledger.close();
    }
  });
}
