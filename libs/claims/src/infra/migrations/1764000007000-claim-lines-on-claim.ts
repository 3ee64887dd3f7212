import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim's lines move onto the claim row (`claims.lines`, jsonb): they are written with the claim,
 * never change, and are always read with it — by adjudication, which locks the claim anyway, and
 * by the claim views — so a table of their own cost a write per line and a read per batch.
 */
export class ClaimLinesOnClaim1764000007000 implements MigrationInterface {
  name = 'ClaimLinesOnClaim1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims ADD COLUMN lines jsonb`);
    await q.query(`
      UPDATE claims c SET lines = coalesce((
        SELECT jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'serviceCode', l.service_code,
                                            'quantity', l.quantity, 'unitPrice', l.unit_price,
                                            'preauthRef', l.preauth_ref) ORDER BY l.line_no)
          FROM claim_lines l WHERE l.claim_id = c.id), '[]')`);
    await q.query(`ALTER TABLE claims ALTER COLUMN lines SET NOT NULL`);
    // The checks claim_lines had, now over the array: whole quantities above 0, prices of 0 or more.
    await q.query(`
      CREATE FUNCTION claim_lines_valid(lines jsonb) RETURNS boolean
        LANGUAGE sql IMMUTABLE STRICT AS $$
          SELECT jsonb_typeof(lines) = 'array' AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(lines) AS l
             WHERE jsonb_typeof(l->'lineNo') IS DISTINCT FROM 'number'
                OR jsonb_typeof(l->'serviceCode') IS DISTINCT FROM 'string'
                OR jsonb_typeof(l->'quantity') IS DISTINCT FROM 'number'
                OR jsonb_typeof(l->'unitPrice') IS DISTINCT FROM 'number'
                OR (l->>'quantity')::numeric <= 0 OR (l->>'unitPrice')::numeric < 0)
        $$`);
    await q.query(`ALTER TABLE claims ADD CONSTRAINT claims_lines_valid CHECK (claim_lines_valid(lines))`);
    await q.query(`DROP TABLE claim_lines`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE claim_lines (
        claim_id uuid NOT NULL REFERENCES claims(id),
        line_no integer NOT NULL,
        service_code text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price bigint NOT NULL CHECK (unit_price >= 0),
        preauth_ref text,
        PRIMARY KEY (claim_id, line_no)
      )`);
    await q.query(`
      INSERT INTO claim_lines (claim_id, line_no, service_code, quantity, unit_price, preauth_ref)
      SELECT c.id, (l->>'lineNo')::int, l->>'serviceCode', (l->>'quantity')::int,
             (l->>'unitPrice')::bigint, l->>'preauthRef'
        FROM claims c, jsonb_array_elements(c.lines) AS l`);
    await q.query(`ALTER TABLE claims DROP COLUMN lines`);
    await q.query(`DROP FUNCTION claim_lines_valid(jsonb)`);
  }
}
