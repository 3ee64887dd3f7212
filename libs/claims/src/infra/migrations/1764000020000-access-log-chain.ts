import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chainRows, type AccessLogEntry } from '../../domain/access-log-chain';

const LEGACY_ROUTES: Record<string, string> = {
  read_claim: '/v1/claims/:id',
  read_proof: '/v1/ledger/claims/:id/proof',
};

/**
 * The access log becomes an append-only hash chain: every row carries a gap-free sequence, the
 * previous row's hash and its own (over its canonical content), and records reads of lists,
 * members, funds and proofs, refusals and key events as well as claim reads. A trigger refuses
 * UPDATE, DELETE and TRUNCATE to everyone who has not first disabled or dropped it, which only
 * the table's owner can do; the chain, anchored on the ledger, shows what such an owner changed.
 */
export class AccessLogChain1764000020000 implements MigrationInterface {
  name = 'AccessLogChain1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE access_log
        -- The log outlives what it names, and a row it cannot take must never stop the ones after it.
        DROP CONSTRAINT IF EXISTS access_log_organization_id_fkey,
        DROP CONSTRAINT IF EXISTS access_log_api_key_id_fkey,
        ALTER COLUMN organization_id DROP NOT NULL,
        ALTER COLUMN api_key_id DROP NOT NULL,
        ALTER COLUMN request_id DROP NOT NULL,
        ADD COLUMN seq bigint,
        ADD COLUMN user_id uuid,
        ADD COLUMN method text,
        ADD COLUMN route text,
        ADD COLUMN status integer,
        ADD COLUMN subject_ids text[] NOT NULL DEFAULT '{}',
        ADD COLUMN subject_count integer,
        ADD COLUMN cursor text,
        ADD COLUMN client_address text,
        ADD COLUMN key_prefix text,
        ADD COLUMN detail jsonb,
        ADD COLUMN prev_hash text,
        ADD COLUMN hash text`);
    // Earlier rows (claim and proof reads) join the chain in the order they were written.
    const legacy: {
      id: string;
      at: Date;
      organization_id: string;
      api_key_id: string;
      action: string;
      claim_id: string;
      request_id: string;
    }[] = await q.query(
      `SELECT id, at, organization_id, api_key_id, action, claim_id, request_id FROM access_log ORDER BY id`,
    );
    const entries: AccessLogEntry[] = legacy.map((r) => ({
      at: r.at.toISOString(),
      action: r.action,
      organizationId: r.organization_id,
      apiKeyId: r.api_key_id,
      userId: null,
      method: 'GET',
      route: LEGACY_ROUTES[r.action] ?? r.action,
      status: 200,
      subjectIds: [r.claim_id],
      subjectCount: null,
      cursor: null,
      clientAddress: null,
      keyPrefix: null,
      requestId: r.request_id,
      detail: null,
    }));
    const chained = chainRows(entries, 1, null);
    for (let i = 0; i < chained.length; i += 1000) {
      const part = chained.slice(i, i + 1000);
      await q.query(
        `UPDATE access_log a SET seq = u.seq, at = u.at, method = u.method, route = u.route, status = u.status,
            subject_ids = ARRAY[u.claim_id], prev_hash = u.prev_hash, hash = u.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[])
             AS u(id, seq, at, method, route, status, claim_id, prev_hash, hash)
          WHERE a.id = u.id`,
        [
          legacy.slice(i, i + 1000).map((r) => r.id),
          part.map((c) => c.seq),
          part.map((c) => c.at),
          part.map((c) => c.method),
          part.map((c) => c.route),
          part.map((c) => c.status),
          part.map((c) => c.subjectIds[0]),
          part.map((c) => c.prevHash),
          part.map((c) => c.hash),
        ],
      );
    }
    await q.query(`DROP INDEX access_log_claim_idx`);
    await q.query(
      `ALTER TABLE access_log DROP CONSTRAINT access_log_pkey, DROP COLUMN id, DROP COLUMN claim_id`,
    );
    await q.query(`
      ALTER TABLE access_log
        ALTER COLUMN seq SET NOT NULL,
        ALTER COLUMN method SET NOT NULL,
        ALTER COLUMN route SET NOT NULL,
        ALTER COLUMN status SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL,
        ALTER COLUMN hash SET NOT NULL,
        ALTER COLUMN at DROP DEFAULT,
        ADD PRIMARY KEY (seq)`);
    await q.query(`CREATE INDEX access_log_subjects_idx ON access_log USING gin (subject_ids)`);
    await q.query(`
      CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
        FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
        FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()`);
    // Roles other than the owner get at most reading and appending.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON access_log FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER access_log_no_truncate ON access_log`);
    await q.query(`DROP TRIGGER access_log_append_only ON access_log`);
    await q.query(`DROP FUNCTION access_log_refuse_change()`);
    await q.query(`DROP INDEX access_log_subjects_idx`);
    // Only what the earlier table could hold goes back: claim and proof reads.
    await q.query(
      `DELETE FROM access_log WHERE action NOT IN ('read_claim', 'read_proof') OR organization_id IS NULL OR status <> 200`,
    );
    await q.query(`
      ALTER TABLE access_log
        DROP CONSTRAINT access_log_pkey,
        ADD COLUMN claim_id uuid,
        ALTER COLUMN at SET DEFAULT now()`);
    await q.query(`UPDATE access_log SET claim_id = subject_ids[1]::uuid`);
    await q.query(`ALTER TABLE access_log RENAME COLUMN seq TO id`);
    await q.query(`CREATE SEQUENCE access_log_id_seq OWNED BY access_log.id`);
    await q.query(`SELECT setval('access_log_id_seq', GREATEST((SELECT max(id) FROM access_log), 1))`);
    await q.query(`
      ALTER TABLE access_log
        ALTER COLUMN id SET DEFAULT nextval('access_log_id_seq'),
        ADD PRIMARY KEY (id),
        ALTER COLUMN claim_id SET NOT NULL,
        ALTER COLUMN organization_id SET NOT NULL,
        ALTER COLUMN api_key_id SET NOT NULL,
        ALTER COLUMN request_id SET NOT NULL,
        ADD CONSTRAINT access_log_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
        ADD CONSTRAINT access_log_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys(id),
        DROP COLUMN user_id, DROP COLUMN method, DROP COLUMN route, DROP COLUMN status,
        DROP COLUMN subject_ids, DROP COLUMN subject_count, DROP COLUMN cursor,
        DROP COLUMN client_address, DROP COLUMN key_prefix, DROP COLUMN detail,
        DROP COLUMN prev_hash, DROP COLUMN hash`);
    await q.query(`CREATE INDEX access_log_claim_idx ON access_log (claim_id, at)`);
  }
}
