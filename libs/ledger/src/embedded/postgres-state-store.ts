import type { QueryRunner } from 'typeorm';
import type { StateEntry, StateStore, StateWrite } from './state-store';
import type { StateRow, StateVoucher } from './state-voucher';

// Range scans read in pages so a long scan never loads a whole key range at once.
const PAGE_SIZE = 200;

/** A ledger_state row as PostgreSQL returns it. */
export interface Row {
  key: Buffer;
  value: Buffer;
  tx_id: string;
  block_number: string;
}

const COLUMNS = 'key, value, tx_id, block_number';

/**
 * World state in the ledger_state table. Keys are stored as their UTF-8 bytes in bytea, whose
 * ordering (memcmp) is the byte order Fabric's state databases use. Every row read is vouched for
 * by the chain before anyone sees it; a row the chain does not vouch for fails the read.
 */
export class PostgresStateStore implements StateStore {
  private readonly readAhead = new Map<string, Uint8Array | null>();

  constructor(
    private readonly q: QueryRunner,
    private readonly voucher: StateVoucher,
  ) {}

  /**
   * Reads `keys` in one query so that the contract's `getState` of each costs no round trip. Only
   * for use while the caller holds the ledger's head lock, so no other writer can change them.
   */
  async prefetch(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const rows = await this.vouched(
      (await this.q.query(`SELECT ${COLUMNS} FROM ledger_state WHERE key = ANY($1::bytea[])`, [
        keys.map(utf8),
      ])) as Row[],
    );
    for (const key of keys) this.readAhead.set(key, null);
    for (const row of rows) this.readAhead.set(row.key, row.value);
  }

  async get(key: string): Promise<Uint8Array | null> {
    if (this.readAhead.has(key)) return this.readAhead.get(key)!;
    const [row] = await this.vouched(
      (await this.q.query(`SELECT ${COLUMNS} FROM ledger_state WHERE key = $1`, [utf8(key)])) as Row[],
    );
    return row?.value ?? null;
  }

  async *range(startKey: string, endKey: string): AsyncIterable<StateEntry> {
    let rows = (await this.q.query(
      `SELECT ${COLUMNS} FROM ledger_state WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3`,
      [utf8(startKey), utf8(endKey), PAGE_SIZE],
    )) as Row[];
    for (;;) {
      for (const row of await this.vouched(rows)) yield { key: row.key, value: row.value };
      if (rows.length < PAGE_SIZE) return;
      rows = (await this.q.query(
        `SELECT ${COLUMNS} FROM ledger_state WHERE key > $1 AND key < $2 ORDER BY key LIMIT $3`,
        [rows[rows.length - 1].key, utf8(endKey), PAGE_SIZE],
      )) as Row[];
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

  private async vouched(rows: readonly Row[]): Promise<StateRow[]> {
    const states = rows.map(toStateRow);
    await this.voucher.vouch(this.q, states);
    return states;
  }
}

/** A stored row in the voucher's terms. */
export function toStateRow(row: Row): StateRow {
  return {
    key: row.key.toString('utf8'),
    value: row.value,
    txId: row.tx_id,
    blockNumber: Number(row.block_number),
  };
}

function utf8(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}
