import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations, keys, the service catalogue, plans, members, claims, events and the ledger outbox. */
export class CoreSchema1764000000000 implements MigrationInterface {
  name = 'CoreSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('payer', 'provider', 'funder', 'operator')),
        name text NOT NULL,
        msp_id text NOT NULL,
        signing_public_key text NOT NULL,
        signing_private_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE service_codes (
        code text PRIMARY KEY,
        description text NOT NULL,
        category text NOT NULL,
        care_type text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE plans (
        id uuid PRIMARY KEY,
        payer_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX plans_payer_idx ON plans (payer_id)`);
    await q.query(`
      CREATE TABLE plan_versions (
        id uuid PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES plans(id),
        version integer NOT NULL,
        rule_set jsonb NOT NULL,
        rule_set_hash char(64) NOT NULL,
        coverage_start date NOT NULL,
        coverage_end date NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (plan_id, version)
      )`);
    await q.query(`
      CREATE TABLE members (
        id uuid PRIMARY KEY,
        payer_id uuid NOT NULL REFERENCES organizations(id),
        plan_id uuid NOT NULL REFERENCES plans(id),
        member_number text NOT NULL,
        member_ref char(64) NOT NULL,
        full_name text NOT NULL,
        birth_date date NOT NULL,
        sex char(1) NOT NULL CHECK (sex IN ('F', 'M', 'X')),
        coverage_start date NOT NULL,
        coverage_end date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (payer_id, member_number)
      )`);
    await q.query(`
      CREATE TABLE claims (
        id uuid PRIMARY KEY,
        provider_id uuid NOT NULL REFERENCES organizations(id),
        payer_id uuid NOT NULL REFERENCES organizations(id),
        member_id uuid NOT NULL REFERENCES members(id),
        plan_version_id uuid NOT NULL REFERENCES plan_versions(id),
        external_ref text NOT NULL,
        request_hash char(64) NOT NULL,
        status text NOT NULL,
        revision integer NOT NULL DEFAULT 0,
        currency char(3) NOT NULL,
        service_date date NOT NULL,
        diagnoses text[] NOT NULL,
        total_claimed bigint NOT NULL,
        commitment_salt char(64) NOT NULL,
        claim_commitment char(64) NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider_id, external_ref)
      )`);
    await q.query(`CREATE INDEX claims_status_updated_idx ON claims (status, updated_at)`);
    await q.query(`CREATE INDEX claims_provider_idx ON claims (provider_id, created_at, id)`);
    await q.query(`CREATE INDEX claims_payer_idx ON claims (payer_id, created_at, id)`);
    await q.query(`
      CREATE TABLE claim_lines (
        claim_id uuid NOT NULL REFERENCES claims(id),
        line_no integer NOT NULL,
        service_code text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price bigint NOT NULL CHECK (unit_price >= 0),
        PRIMARY KEY (claim_id, line_no)
      )`);
    await q.query(`
      CREATE TABLE claim_decisions (
        claim_id uuid NOT NULL REFERENCES claims(id),
        revision integer NOT NULL,
        status text NOT NULL,
        currency char(3) NOT NULL,
        total_claimed bigint NOT NULL,
        total_eligible bigint NOT NULL,
        total_co_payment bigint NOT NULL,
        total_approved bigint NOT NULL,
        lines jsonb NOT NULL,
        rule_set_hash char(64) NOT NULL,
        decided_at timestamptz NOT NULL,
        decided_by text NOT NULL,
        PRIMARY KEY (claim_id, revision)
      )`);
    await q.query(`
      CREATE TABLE claim_events (
        id bigserial PRIMARY KEY,
        claim_id uuid NOT NULL REFERENCES claims(id),
        revision integer NOT NULL,
        from_status text,
        to_status text NOT NULL,
        actor text NOT NULL,
        detail jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, id)`);
    await q.query(`
      CREATE TABLE ledger_outbox (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('decision')),
        claim_id uuid NOT NULL REFERENCES claims(id),
        revision integer NOT NULL,
        signer_org_id uuid NOT NULL REFERENCES organizations(id),
        record jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        committed_at timestamptz,
        outcome text,
        tx_id text,
        block_number bigint,
        UNIQUE (kind, claim_id, revision)
      )`);
    await q.query(`CREATE INDEX ledger_outbox_pending_idx ON ledger_outbox (id) WHERE committed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'ledger_outbox',
      'claim_events',
      'claim_decisions',
      'claim_lines',
      'claims',
      'members',
      'plan_versions',
      'plans',
      'service_codes',
      'api_keys',
      'organizations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
