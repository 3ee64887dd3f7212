import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transactions sign a Merkle root over salted per-write leaves instead of a hash of the whole write
 * set, so a proof shows one record and nothing of the others in its batch; each transaction keeps
 * the secret salt its leaves derive from. The ledger signs a checkpoint every few blocks with its
 * head key, kept in `ledger_checkpoints`. Transactions of the earlier format sign the write set as
 * one hash and cannot be re-signed without every organization's key and a rewritten history, so
 * this refuses to run on a ledger that holds any: start a new ledger database, or keep running the
 * release that wrote it.
 */
export class EmbeddedLedgerSaltedWrites1764000016000 implements MigrationInterface {
  name = 'EmbeddedLedgerSaltedWrites1764000016000';

  async up(q: QueryRunner): Promise<void> {
    // Present when this migration was undone: the column was kept, so no salt was lost.
    const kept = await q.hasColumn('ledger_transactions', 'write_salt');
    const [{ n }] = (await q.query(
      `SELECT count(*)::int AS n FROM ledger_transactions${kept ? ' WHERE write_salt IS NULL' : ''}`,
    )) as { n: number }[];
    if (n > 0) {
      throw new Error(
        `the embedded ledger holds ${n} transaction(s) in the earlier format, whose signatures cover the whole ` +
          'write set (a proof of one record would disclose every other record in its batch); they cannot be ' +
          'converted without rewriting history. Start a new ledger database.',
      );
    }
    if (kept) await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN write_salt SET NOT NULL`);
    else
      await q.query(
        `ALTER TABLE ledger_transactions ADD COLUMN write_salt bytea NOT NULL CHECK (octet_length(write_salt) = 32)`,
      );
    await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN payload_version SET DEFAULT 3`);
    await q.query(`
      CREATE TABLE ledger_checkpoints (
        block_number bigint PRIMARY KEY REFERENCES ledger_blocks(number),
        block_hash bytea NOT NULL CHECK (octet_length(block_hash) = 32),
        signature text NOT NULL
      )`);
  }

  /** Keeps the salts (only the constraint goes), so a later `up` loses nothing; without its checkpoints a proof ends at the signed head. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_checkpoints`);
    await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN payload_version SET DEFAULT 2`);
    await q.query(`ALTER TABLE ledger_transactions ALTER COLUMN write_salt DROP NOT NULL`);
  }
}
