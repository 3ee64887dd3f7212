import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the full rule catalogue needs: member status, care type and pre-authorisation on claims,
 * resubmission links, the ledger head a claim was submitted under (review sampling), the inputs
 * each decision was made from (replay), and per-member accumulators.
 */
export class BenefitRules1764000002000 implements MigrationInterface {
  name = 'BenefitRules1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE members ADD COLUMN status text NOT NULL DEFAULT 'active'
      CHECK (status IN ('active', 'suspended', 'terminated'))`);
    await q.query(`ALTER TABLE claims
      ADD COLUMN care_type text NOT NULL DEFAULT 'outpatient' CHECK (care_type IN ('outpatient', 'inpatient', 'emergency')),
      ADD COLUMN previous_claim_id uuid REFERENCES claims(id),
      ADD COLUMN ledger_head_at_submission text NOT NULL DEFAULT ''`);
    await q.query(
      `CREATE UNIQUE INDEX claims_previous_claim_idx ON claims (previous_claim_id) WHERE previous_claim_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX claims_member_service_idx ON claims (member_id, service_date)`);
    await q.query(`CREATE INDEX claims_payer_diagnosis_idx ON claims (payer_id, (diagnoses[1]))`);
    await q.query(`ALTER TABLE claim_lines ADD COLUMN preauth_ref text`);
    await q.query(`ALTER TABLE claim_decisions
      ADD COLUMN total_deductible bigint NOT NULL DEFAULT 0,
      ADD COLUMN reason_codes text[] NOT NULL DEFAULT '{}',
      ADD COLUMN inputs jsonb,
      ADD COLUMN note text`);
    await q.query(`
      CREATE TABLE member_accumulators (
        member_id uuid NOT NULL REFERENCES members(id),
        benefit_year integer NOT NULL,
        annual_approved bigint NOT NULL DEFAULT 0 CHECK (annual_approved >= 0),
        deductible_met bigint NOT NULL DEFAULT 0 CHECK (deductible_met >= 0),
        category_approved jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (member_id, benefit_year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE member_accumulators`);
    await q.query(
      `ALTER TABLE claim_decisions DROP COLUMN total_deductible, DROP COLUMN reason_codes, DROP COLUMN inputs, DROP COLUMN note`,
    );
    await q.query(`ALTER TABLE claim_lines DROP COLUMN preauth_ref`);
    await q.query(`DROP INDEX claims_payer_diagnosis_idx`);
    await q.query(`DROP INDEX claims_member_service_idx`);
    await q.query(`DROP INDEX claims_previous_claim_idx`);
    await q.query(
      `ALTER TABLE claims DROP COLUMN care_type, DROP COLUMN previous_claim_id, DROP COLUMN ledger_head_at_submission`,
    );
    await q.query(`ALTER TABLE members DROP COLUMN status`);
  }
}
