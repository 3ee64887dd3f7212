import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment the chaincode refuses stays as history, and the payer may pay the claim again: a
 * claim's payments become numbered attempts, at most one of them not refused, each refused one
 * keeping the chaincode's code and message; the allocations of a refused attempt are released
 * (kept, marked) rather than deleted. The outbox may therefore hold several payment rows of one
 * claim revision, of which only the live attempt's matters, so its unique key now covers
 * decisions only (a payment's row is found from its payment, `ledger_outbox_id`). A fund's budget becomes the cap on its deposits: existing funds get the budget
 * the ledger recorded when they were created (their total less their top-ups). Claims whose
 * payment or decision the ledger refused keep their approved lines in the member's history.
 */
export class PaymentAttemptsAndFundBudgets1764000014200 implements MigrationInterface {
  name = 'PaymentAttemptsAndFundBudgets1764000014200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payment_allocations DROP CONSTRAINT payment_allocations_claim_id_fkey`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_pkey`);
    await q.query(`
      ALTER TABLE payments
        ADD COLUMN attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        ADD COLUMN ledger_outbox_id bigint REFERENCES ledger_outbox(id),
        ADD COLUMN refused_at timestamptz,
        ADD COLUMN refusal_code text,
        ADD COLUMN refusal_message text,
        ADD PRIMARY KEY (claim_id, attempt)`);
    await q.query(`ALTER TABLE payments ALTER COLUMN attempt DROP DEFAULT`);
    await q.query(
      `CREATE UNIQUE INDEX payments_live_claim_key ON payments (claim_id) WHERE refused_at IS NULL`,
    );
    await q.query(`CREATE INDEX payments_ref_idx ON payments (payer_id, payment_ref)`);
    await q.query(`
      UPDATE payments p SET ledger_outbox_id = o.id
        FROM ledger_outbox o WHERE o.kind = 'payment' AND o.claim_id = p.claim_id`);
    await q.query(`
      ALTER TABLE payment_allocations
        ADD COLUMN attempt integer NOT NULL DEFAULT 1,
        ADD COLUMN released_at timestamptz,
        DROP CONSTRAINT payment_allocations_pkey,
        ADD PRIMARY KEY (claim_id, attempt, fund_id, category),
        ADD FOREIGN KEY (claim_id, attempt) REFERENCES payments (claim_id, attempt)`);
    await q.query(`ALTER TABLE payment_allocations ALTER COLUMN attempt DROP DEFAULT`);

    await q.query(`ALTER TABLE ledger_outbox DROP CONSTRAINT ledger_outbox_kind_claim_id_revision_key`);
    await q.query(
      `CREATE UNIQUE INDEX ledger_outbox_decision_key ON ledger_outbox (claim_id, revision) WHERE kind = 'decision'`,
    );

    await q.query(`ALTER TABLE funds ADD COLUMN budget bigint`);
    await q.query(`
      UPDATE funds f SET budget = f.total - coalesce(
        (SELECT sum(t.amount) FROM fund_top_ups t WHERE t.fund_id = f.id), 0)`);
    await q.query(`ALTER TABLE funds ALTER COLUMN budget SET NOT NULL, ADD CHECK (budget > 0)`);

    await q.query(`DROP INDEX claims_member_approved_idx`);
    await q.query(
      `CREATE INDEX claims_member_approved_idx ON claims (member_id)
         WHERE status IN ('approved', 'partially_approved', 'paid', 'payment_refused', 'decision_refused')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX claims_member_approved_idx`);
    await q.query(
      `CREATE INDEX claims_member_approved_idx ON claims (member_id)
         WHERE status IN ('approved', 'partially_approved', 'paid')`,
    );
    await q.query(`ALTER TABLE funds DROP COLUMN budget`);
    await q.query(`DROP INDEX ledger_outbox_decision_key`);
    await q.query(`DROP INDEX payments_ref_idx`);
    // Refused attempts have no place in the earlier schema: one payment per claim.
    await q.query(`DELETE FROM payment_allocations WHERE released_at IS NOT NULL`);
    await q.query(`DELETE FROM payments WHERE refused_at IS NOT NULL`);
    await q.query(`
      DELETE FROM ledger_outbox o WHERE o.kind = 'payment'
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.ledger_outbox_id = o.id)`);
    await q.query(
      `ALTER TABLE ledger_outbox ADD CONSTRAINT ledger_outbox_kind_claim_id_revision_key UNIQUE (kind, claim_id, revision)`,
    );
    await q.query(`
      ALTER TABLE payment_allocations
        DROP CONSTRAINT payment_allocations_claim_id_attempt_fkey,
        DROP CONSTRAINT payment_allocations_pkey,
        DROP COLUMN released_at,
        DROP COLUMN attempt,
        ADD PRIMARY KEY (claim_id, fund_id, category)`);
    await q.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_pkey,
        DROP COLUMN refusal_message,
        DROP COLUMN refusal_code,
        DROP COLUMN refused_at,
        DROP COLUMN ledger_outbox_id,
        DROP COLUMN attempt,
        ADD PRIMARY KEY (claim_id)`);
    await q.query(
      `ALTER TABLE payment_allocations ADD CONSTRAINT payment_allocations_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES payments(claim_id)`,
    );
  }
}
