import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index of claims by status and last change held every claim, and every decision added an
 * entry for the claim's new version. The sweeper asks it for claims still received or
 * adjudicating a minute after their last change: across two statuses it could not be read in
 * order, so PostgreSQL took a bitmap of every entry in those ranges — including the dead entries
 * of every claim decided since the last vacuum — and visited each one's heap page (195 ms and
 * 38,000 pages at 360,000 claims, every 15 s). Now claims still waiting for a decision have an
 * index of their own, by last change, which the sweeper reads in order and stops after its limit,
 * and which marks dead entries as it passes them; pended and failed claims keep an index by
 * status for the review and error queues; decided claims are in neither.
 */
export class UnsettledClaimsIndex1764000010000 implements MigrationInterface {
  name = 'UnsettledClaimsIndex1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX claims_unsettled_idx ON claims (updated_at) WHERE status IN ('received', 'adjudicating')`,
    );
    await q.query(
      `CREATE INDEX claims_open_status_idx ON claims (status, updated_at) WHERE status IN ('pended', 'error')`,
    );
    await q.query(`DROP INDEX claims_status_updated_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX claims_status_updated_idx ON claims (status, updated_at)`);
    await q.query(`DROP INDEX claims_open_status_idx`);
    await q.query(`DROP INDEX claims_unsettled_idx`);
  }
}
