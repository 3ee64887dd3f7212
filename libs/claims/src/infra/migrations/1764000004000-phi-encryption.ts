import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DECISION_KEY, encryptedColumn as spec, ID_KEY, rewriteColumn } from '../crypto/column-rewrite';
import { phiCipher } from '../crypto/phi-cipher.registry';

// Fixed here rather than read from the entities: a migration must do the same thing forever.
const COLUMNS = [
  spec('organizations', 'signing_private_key', ID_KEY),
  spec('members', 'full_name', ID_KEY),
  spec('members', 'birth_date', ID_KEY),
  spec('claim_decisions', 'note', DECISION_KEY),
  spec('claim_decisions', 'inputs', DECISION_KEY),
];

const BATCH = 500;

/**
 * Encrypts PHI and the ledger signing keys at rest (AES-256-GCM, see docs/security.md): the
 * columns become text holding ciphertext, existing rows are encrypted in batches under the
 * active PHI_KEYS key, members gain an encrypted `phone`, and the copy of reviewer notes in
 * claim events is dropped (claim_decisions.note keeps it, encrypted). A new database has no rows,
 * so the keyring is only needed when upgrading one that does. Values are written in the
 * column-bound `v1` format of the time; migration 1764000018000 binds them to their rows.
 */
export class PhiEncryption1764000004000 implements MigrationInterface {
  name = 'PhiEncryption1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE members ALTER COLUMN birth_date TYPE text USING to_char(birth_date, 'YYYY-MM-DD')`,
    );
    await q.query(`ALTER TABLE members ADD COLUMN phone text`);
    await q.query(`ALTER TABLE claim_decisions ALTER COLUMN inputs TYPE text USING inputs::text`);
    await q.query(`UPDATE claim_events SET detail = detail - 'note' WHERE detail ? 'note'`);
    const run = (sql: string, params?: unknown[]) => q.query(sql, params);
    for (const column of COLUMNS) {
      await rewriteColumn(run, column, (plain) => phiCipher().encryptUnbound(plain, column.name), {
        batchSize: BATCH,
      });
    }
  }

  /** Decrypts back to plaintext; phones are dropped and event notes are not restored. */
  async down(q: QueryRunner): Promise<void> {
    const run = (sql: string, params?: unknown[]) => q.query(sql, params);
    for (const column of COLUMNS) {
      await rewriteColumn(run, column, (stored) => phiCipher().decryptUnbound(stored, column.name), {
        batchSize: BATCH,
      });
    }
    await q.query(`ALTER TABLE claim_decisions ALTER COLUMN inputs TYPE jsonb USING inputs::jsonb`);
    await q.query(`ALTER TABLE members DROP COLUMN phone`);
    await q.query(`ALTER TABLE members ALTER COLUMN birth_date TYPE date USING birth_date::date`);
  }
}
