import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The approved history of a batch's members is read through an index of approved claims by member,
 * instead of an index of every claim by member and service date: the planner can no longer prefer
 * the status index (which holds most of the table once claims are decided) before statistics
 * exist, and submitted claims no longer add an entry until they are approved.
 */
export class ApprovedHistoryIndex1764000006000 implements MigrationInterface {
  name = 'ApprovedHistoryIndex1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX claims_member_approved_idx ON claims (member_id)
         WHERE status IN ('approved', 'partially_approved', 'paid')`,
    );
    await q.query(`DROP INDEX claims_member_service_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX claims_member_service_idx ON claims (member_id, service_date)`);
    await q.query(`DROP INDEX claims_member_approved_idx`);
  }
}
