import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim's events, decisions and ledger-outbox rows each checked by foreign key that their
 * claim (and the outbox row's signer) exists: five lookups per decided claim, each a trigger
 * running a query (about 16 µs), on the busiest tables. Those rows are only ever written for a
 * claim the same transaction holds — a new claim's first event in the statement that inserts
 * it, a decision's rows joined to the claim row the same statement updates — so the checks could
 * not fail; what the references also guarded against, deleting a claim or an organisation,
 * is refused outright instead: claims and organisations are never deleted (a claim is voided).
 * The claim's own references to its member, payer, clinic and plan version stay: they come
 * from outside.
 */
export class ClaimRecordReferences1764000011500 implements MigrationInterface {
  name = 'ClaimRecordReferences1764000011500';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, constraint] of REFERENCES)
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}`);
    await q.query(`
      CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'rows of % are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['claims', 'organizations'])
      await q.query(
        `CREATE TRIGGER ${table}_never_deleted BEFORE DELETE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete()`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['claims', 'organizations'])
      await q.query(`DROP TRIGGER ${table}_never_deleted ON ${table}`);
    await q.query(`DROP FUNCTION refuse_delete()`);
    for (const [table, constraint, column, parent] of REFERENCES)
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${constraint} FOREIGN KEY (${column}) REFERENCES ${parent}(id)`,
      );
  }
}

const REFERENCES = [
  ['claim_events', 'claim_events_claim_id_fkey', 'claim_id', 'claims'],
  ['claim_decisions', 'claim_decisions_claim_id_fkey', 'claim_id', 'claims'],
  ['ledger_outbox', 'ledger_outbox_claim_id_fkey', 'claim_id', 'claims'],
  ['ledger_outbox', 'ledger_outbox_signer_org_id_fkey', 'signer_org_id', 'organizations'],
] as const;
