import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Donor funds and their top-ups, payments of decided claims, and what each payment took from each fund. */
export class FundsAndPayments1764000005000 implements MigrationInterface {
  name = 'FundsAndPayments1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE funds (
        id uuid PRIMARY KEY,
        funder_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        currency char(3) NOT NULL,
        total bigint NOT NULL CHECK (total > 0),
        allocated bigint NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= total),
        period_start date NOT NULL,
        period_end date NOT NULL,
        earmarks jsonb NOT NULL,
        ledger_tx_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX funds_funder_idx ON funds (funder_id, created_at)`);
    await q.query(`
      CREATE TABLE fund_top_ups (
        id uuid PRIMARY KEY,
        fund_id uuid NOT NULL REFERENCES funds(id),
        amount bigint NOT NULL CHECK (amount > 0),
        ledger_tx_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE payments (
        claim_id uuid PRIMARY KEY REFERENCES claims(id),
        revision integer NOT NULL,
        payer_id uuid NOT NULL REFERENCES organizations(id),
        amount bigint NOT NULL CHECK (amount >= 0),
        payment_ref text NOT NULL,
        paid_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE payment_allocations (
        claim_id uuid NOT NULL REFERENCES payments(claim_id),
        fund_id uuid NOT NULL REFERENCES funds(id),
        category text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        PRIMARY KEY (claim_id, fund_id, category)
      )`);
    await q.query(`CREATE INDEX payment_allocations_fund_idx ON payment_allocations (fund_id)`);
    await q.query(`ALTER TABLE ledger_outbox DROP CONSTRAINT ledger_outbox_kind_check`);
    await q.query(
      `ALTER TABLE ledger_outbox ADD CONSTRAINT ledger_outbox_kind_check CHECK (kind IN ('decision', 'payment'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM ledger_outbox WHERE kind = 'payment'`);
    await q.query(`ALTER TABLE ledger_outbox DROP CONSTRAINT ledger_outbox_kind_check`);
    await q.query(
      `ALTER TABLE ledger_outbox ADD CONSTRAINT ledger_outbox_kind_check CHECK (kind IN ('decision'))`,
    );
    await q.query(`DROP TABLE payment_allocations, payments, fund_top_ups, funds`);
  }
}
