import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a claim's current decision approved, line by line (`[serviceCode, approvedQuantity]` for
 * each line with units approved, in line order), kept on the claim row, which the decision
 * already rewrites. A member's approved history, read for every claim adjudicated, then comes
 * from the claims alone instead of a join to every earlier decision and an expansion of its
 * full lines: after three minutes at 2,000 claims/s that read was PostgreSQL's largest item.
 */
export class ApprovedLinesOnClaim1764000009000 implements MigrationInterface {
  name = 'ApprovedLinesOnClaim1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims ADD COLUMN approved_lines jsonb`);
    await q.query(`
      UPDATE claims c SET approved_lines = (
        SELECT coalesce(jsonb_agg(jsonb_build_array(l->>'serviceCode', (l->>'approvedQuantity')::int)
                                  ORDER BY (l->>'lineNo')::int), '[]')
          FROM jsonb_array_elements(d.lines) AS l
         WHERE coalesce((l->>'approvedQuantity')::int, 0) > 0)
        FROM claim_decisions d
       WHERE d.claim_id = c.id AND d.revision = c.revision`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims DROP COLUMN approved_lines`);
  }
}
