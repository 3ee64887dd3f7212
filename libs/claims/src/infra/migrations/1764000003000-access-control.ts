import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Labelled API keys with a rotation grace period, and the log of who read which claim. */
export class AccessControl1764000003000 implements MigrationInterface {
  name = 'AccessControl1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN label text NOT NULL DEFAULT 'default'`);
    await q.query(`CREATE INDEX api_keys_org_idx ON api_keys (organization_id, created_at)`);
    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        api_key_id uuid NOT NULL REFERENCES api_keys(id),
        action text NOT NULL,
        claim_id uuid NOT NULL,
        request_id text NOT NULL
      )`);
    await q.query(`CREATE INDEX access_log_claim_idx ON access_log (claim_id, at)`);
    await q.query(`CREATE INDEX access_log_org_idx ON access_log (organization_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
    await q.query(`DROP INDEX api_keys_org_idx`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN label`);
  }
}
