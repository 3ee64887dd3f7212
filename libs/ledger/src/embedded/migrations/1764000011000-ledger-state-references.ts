import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every world-state row a transaction writes checked, row by row, that its block and its
 * transaction exist — two foreign-key lookups per record, most of the relay's insert (about
 * 16 µs each, 840 per block of 420 records). They are written by the same statement sequence
 * that appends the block and its transactions, in one database transaction, so the checks could
 * not fail; instead, blocks and transactions refuse DELETE, which is what the references also
 * guarded against. The block hashes, not these references, are what makes the ledger
 * tamper-evident (`claimtrail verify`).
 */
export class EmbeddedLedgerStateReferences1764000011000 implements MigrationInterface {
  name = 'EmbeddedLedgerStateReferences1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_state DROP CONSTRAINT ledger_state_block_number_fkey`);
    await q.query(`ALTER TABLE ledger_state DROP CONSTRAINT ledger_state_tx_id_fkey`);
    await q.query(`
      CREATE FUNCTION ledger_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'rows of % are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['ledger_blocks', 'ledger_transactions'])
      await q.query(
        `CREATE TRIGGER ${table}_never_deleted BEFORE DELETE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_delete()`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['ledger_blocks', 'ledger_transactions'])
      await q.query(`DROP TRIGGER ${table}_never_deleted ON ${table}`);
    await q.query(`DROP FUNCTION ledger_refuse_delete()`);
    await q.query(
      `ALTER TABLE ledger_state ADD CONSTRAINT ledger_state_tx_id_fkey
         FOREIGN KEY (tx_id) REFERENCES ledger_transactions(tx_id)`,
    );
    await q.query(
      `ALTER TABLE ledger_state ADD CONSTRAINT ledger_state_block_number_fkey
         FOREIGN KEY (block_number) REFERENCES ledger_blocks(number)`,
    );
  }
}
