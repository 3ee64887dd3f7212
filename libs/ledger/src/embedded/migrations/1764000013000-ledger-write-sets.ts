import type { MigrationInterface, QueryRunner } from 'typeorm';
import { buildBlockHeader, GENESIS_PREVIOUS_HASH } from '../../chain/block-header';

/**
 * Binds the world state to the chain. Every transaction now keeps the write set its execution
 * produced, and its signature and hash cover the write set, the result and the events; a block's
 * hash covers its transaction count and its timestamp. Arguments, result, events and write set are
 * kept as the exact texts their digests are taken over (text, not jsonb, which would re-encode
 * them); cast to jsonb to query them. Chains of the earlier format cannot be
 * carried over (their signatures cover neither), so this refuses to run on a ledger that holds
 * transactions without write sets: start a new ledger database, or keep running the release that
 * wrote it.
 */
export class EmbeddedLedgerWriteSets1764000013000 implements MigrationInterface {
  name = 'EmbeddedLedgerWriteSets1764000013000';

  async up(q: QueryRunner): Promise<void> {
    // Present when this migration was undone: the column was kept, so no write set was lost.
    const kept = await q.hasColumn('ledger_transactions', 'write_set');
    const [{ n }] = (await q.query(
      `SELECT count(*)::int AS n FROM ledger_transactions${kept ? ' WHERE write_set IS NULL' : ''}`,
    )) as { n: number }[];
    if (n > 0) {
      throw new Error(
        `the embedded ledger holds ${n} transaction(s) in the earlier format, whose signatures do not cover ` +
          'their write sets; it cannot be converted without rewriting its history. Start a new ledger database.',
      );
    }
    await q.query(`ALTER TABLE ledger_blocks ALTER COLUMN created_at DROP DEFAULT`);
    await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN payload_version SET DEFAULT 2`);
    if (kept) {
      await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN write_set SET NOT NULL`);
      return;
    }
    await q.query(`ALTER TABLE ledger_transactions ADD COLUMN write_set text NOT NULL`);
    // What reading a transaction for its write set alone needs of the rest: the digests it signed.
    for (const column of ['args_hash', 'result_hash', 'events_hash'])
      await q.query(
        `ALTER TABLE ledger_transactions ADD COLUMN ${column} bytea NOT NULL CHECK (octet_length(${column}) = 32)`,
      );
    for (const column of ['args', 'result', 'events'])
      await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN ${column} TYPE text USING ${column}::text`);
    // The genesis block is rehashed under the new formula (it holds no transaction to re-sign).
    const genesis = buildBlockHeader(0, GENESIS_PREVIOUS_HASH, [], new Date().toISOString());
    await q.query(`UPDATE ledger_blocks SET hash = $1, created_at = $2 WHERE number = 0`, [
      hex(genesis.hash),
      genesis.timestamp,
    ]);
    await q.query(`UPDATE ledger_head SET block_hash = $1, updated_at = now() WHERE id = 1`, [
      hex(genesis.hash),
    ]);
  }

  /** Keeps the write sets (only the constraint goes), so a later `up` loses nothing. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN write_set DROP NOT NULL`);
    await q.query(`ALTER TABLE ledger_blocks ALTER COLUMN created_at SET DEFAULT now()`);
    await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN payload_version DROP DEFAULT`);
  }
}

function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}
