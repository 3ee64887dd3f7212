import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scopes on API keys, and who issued and who revoked each key (the acting organization and key;
 * both null when done from the command line, which acts with database access).
 *
 * Existing keys keep working: each gets the default scopes of its organization's kind (payer:
 * claims:read, claims:write, payments:write, plans:read, plans:write; provider: claims:read,
 * claims:write; funder: claims:read, funds:read, funds:write; operator: claims:read). The keys
 * labelled `default` (an organization's first key and its rotations) and each organization's oldest
 * unrevoked key also get `admin`, so every organization keeps a key that manages its keys. Who
 * issued or revoked the existing keys was never recorded and stays unknown (null).
 */
export class ApiKeyScopesAndIssuers1764000017000 implements MigrationInterface {
  name = 'ApiKeyScopesAndIssuers1764000017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys
        ADD COLUMN scopes text[] NOT NULL DEFAULT '{}',
        ADD COLUMN issued_by_organization_id uuid REFERENCES organizations(id),
        ADD COLUMN issued_by_key_id uuid REFERENCES api_keys(id),
        ADD COLUMN revoked_by_organization_id uuid REFERENCES organizations(id),
        ADD COLUMN revoked_by_key_id uuid REFERENCES api_keys(id)`);
    await q.query(`
      UPDATE api_keys k SET scopes = CASE o.kind
          WHEN 'payer' THEN ARRAY['claims:read','claims:write','payments:write','plans:read','plans:write']
          WHEN 'provider' THEN ARRAY['claims:read','claims:write']
          WHEN 'funder' THEN ARRAY['claims:read','funds:read','funds:write']
          ELSE ARRAY['claims:read'] END
        FROM organizations o WHERE o.id = k.organization_id`);
    await q.query(`
      UPDATE api_keys k SET scopes = ARRAY['admin'] || k.scopes
       WHERE k.label = 'default'
          OR k.id = (SELECT f.id FROM api_keys f
                      WHERE f.organization_id = k.organization_id AND f.revoked_at IS NULL
                      ORDER BY f.created_at, f.id LIMIT 1)`);
    await q.query(`ALTER TABLE api_keys ALTER COLUMN scopes DROP DEFAULT`);
    await q.query(`
      ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_known CHECK (
        scopes <@ ARRAY['admin','claims:read','claims:write','payments:write','plans:read','plans:write',
                        'funds:read','funds:write']::text[])`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys
        DROP CONSTRAINT api_keys_scopes_known,
        DROP COLUMN revoked_by_key_id,
        DROP COLUMN revoked_by_organization_id,
        DROP COLUMN issued_by_key_id,
        DROP COLUMN issued_by_organization_id,
        DROP COLUMN scopes`);
  }
}
