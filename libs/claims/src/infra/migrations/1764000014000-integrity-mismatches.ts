import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the reconciler found: each difference between PostgreSQL and the ledger (or within the
 * ledger's own store), open until a later pass no longer finds it. At most one open row per
 * subject and field; resolved rows stay as history.
 */
export class IntegrityMismatches1764000014000 implements MigrationInterface {
  name = 'IntegrityMismatches1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integrity_mismatches (
        id bigserial PRIMARY KEY,
        subject_type text NOT NULL CHECK (subject_type IN ('claim', 'fund', 'ledger')),
        subject_id text NOT NULL,
        field text NOT NULL,
        database_value jsonb,
        ledger_value jsonb,
        detected_by text NOT NULL,
        first_detected_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    await q.query(`
      CREATE UNIQUE INDEX integrity_mismatches_open_idx ON integrity_mismatches (subject_type, subject_id, field)
        WHERE resolved_at IS NULL`);
    await q.query(`
      CREATE TABLE integrity_cursor (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        cursor jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE integrity_cursor, integrity_mismatches`);
  }
}
