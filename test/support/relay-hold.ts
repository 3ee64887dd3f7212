import type { DataSource } from 'typeorm';

// The ledger relay's advisory lock (ledger-relay.service.ts): while a session holds it, no relay drains.
const RELAY_LOCK_KEY = 7_463_517_001;

/**
 * Keeps every ledger relay of the test database idle until the returned function is called, so a
 * suite can observe (or arrange) outbox rows before they reach the ledger. Works on either ledger:
 * the lock lives in PostgreSQL.
 */
export async function holdLedgerRelay(db: DataSource): Promise<() => Promise<void>> {
  const session = db.createQueryRunner();
  await session.connect();
  await session.query('SELECT pg_advisory_lock($1)', [RELAY_LOCK_KEY]);
  return async () => {
    await session.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]);
    await session.release();
  };
}
