import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where each follower of ledger events has got to, so a restart resumes after its last event. */
export class LedgerEventCheckpoints1764000012000 implements MigrationInterface {
  name = 'LedgerEventCheckpoints1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_event_checkpoints (
        consumer text PRIMARY KEY,
        block_number bigint NOT NULL,
        tx_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_event_checkpoints`);
  }
}
