import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A copy of each claim's lines on the claim row, written with it at submission: adjudication reads
 * them with the claim it locks instead of looking them up in `claim_lines` (which stays the table
 * that reports and queries use). Claims cannot be edited, so the copy never goes stale.
 */
export class ClaimLinesOnClaim1764000007000 implements MigrationInterface {
  name = 'ClaimLinesOnClaim1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims ADD COLUMN lines jsonb`);
    await q.query(`
      UPDATE claims c SET lines = (
        SELECT jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'serviceCode', l.service_code,
                                            'quantity', l.quantity, 'unitPrice', l.unit_price,
                                            'preauthRef', l.preauth_ref) ORDER BY l.line_no)
          FROM claim_lines l WHERE l.claim_id = c.id)`);
    await q.query(`UPDATE claims SET lines = '[]' WHERE lines IS NULL`);
    await q.query(`ALTER TABLE claims ALTER COLUMN lines SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims DROP COLUMN lines`);
  }
}
