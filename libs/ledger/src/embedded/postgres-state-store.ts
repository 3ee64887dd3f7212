import type { QueryRunner } from 'typeorm';
import type { StateEntry, StateStore, StateWrite } from './state-store';

// Range scans read in pages so a long scan never loads a whole key range at once.
const PAGE_SIZE = 200;

interface StateRow {
  key: Buffer;
  value: Buffer;
}

/**
 * World state in the ledger_state table. Keys are stored as their UTF-8 bytes in bytea, whose
 * ordering (memcmp) is the byte order Fabric's state databases use.
 */
export class PostgresStateStore implements StateStore {
  private readonly readAhead = new Map<string, Uint8Array | null>();

  constructor(private readonly q: QueryRunner) {}

  /**
   * Reads `keys` in one query so that the contract's `getState` of each costs no round trip. Only
   * for use while the caller holds the ledger's head lock, so no other writer can change them.
   */
  async prefetch(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const rows = (await this.q.query('SELECT key, value FROM ledger_state WHERE key = ANY($1::bytea[])', [
      keys.map(utf8),
    ])) as StateRow[];
    for (const key of keys) this.readAhead.set(key, null);
    for (const row of rows) this.readAhead.set(row.key.toString('utf8'), row.value);
  }

  async get(key: string): Promise<Uint8Array | null> {
    if (this.readAhead.has(key)) return this.readAhead.get(key)!;
    const rows = (await this.q.query('SELECT value FROM ledger_state WHERE key = $1', [
      utf8(key),
    ])) as StateRow[];
    return rows[0]?.value ?? null;
  }

  async *range(startKey: string, endKey: string): AsyncIterable<StateEntry> {
    let rows = (await this.q.query(
      'SELECT key, value FROM ledger_state WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3',
      [utf8(startKey), utf8(endKey), PAGE_SIZE],
    )) as StateRow[];
    for (;;) {
      for (const row of rows) yield { key: row.key.toString('utf8'), value: row.value };
      if (rows.length < PAGE_SIZE) return;
      rows = (await this.q.query(
        'SELECT key, value FROM ledger_state WHERE key > $1 AND key < $2 ORDER BY key LIMIT $3',
        [rows[rows.length - 1].key, utf8(endKey), PAGE_SIZE],
      )) as StateRow[];
    }
  }

  /** Commits a write set on behalf of transaction `txId` in block `blockNumber`. */
  async apply(writes: readonly StateWrite[], txId: string, blockNumber: number): Promise<void> {
    const puts = writes.filter((w) => w.value !== null);
    const deletes = writes.filter((w) => w.value === null);
    if (puts.length > 0) {
      await this.q.query(
        `INSERT INTO ledger_state (key, value, tx_id, block_number)
         SELECT w.key, w.value, $3, $4 FROM unnest($1::bytea[], $2::bytea[]) AS w(key, value)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, tx_id = EXCLUDED.tx_id, block_number = EXCLUDED.block_number`,
        [puts.map((w) => utf8(w.key)), puts.map((w) => Buffer.from(w.value!)), txId, blockNumber],
      );
    }
    if (deletes.length > 0) {
      await this.q.query('DELETE FROM ledger_state WHERE key = ANY($1::bytea[])', [
        deletes.map((w) => utf8(w.key)),
      ]);
    }
  }
}

function utf8(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}
