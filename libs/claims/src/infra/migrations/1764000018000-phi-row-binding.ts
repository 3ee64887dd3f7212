import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DECISION_KEY, encryptedColumn as spec, ID_KEY, rewriteColumn } from '../crypto/column-rewrite';
import { FieldCipher, rowKey } from '../crypto/field-cipher';
import { phiCipher } from '../crypto/phi-cipher.registry';

// Fixed here rather than read from the entities: a migration must do the same thing forever.
const COLUMNS = [
  spec('organizations', 'signing_private_key', ID_KEY),
  spec('members', 'full_name', ID_KEY),
  spec('members', 'birth_date', ID_KEY),
  spec('members', 'phone', ID_KEY),
  spec('claim_decisions', 'note', DECISION_KEY),
  spec('claim_decisions', 'inputs', DECISION_KEY),
];

const BATCH = 500;

/**
 * Binds every encrypted value to its row: each `v1` value (bound to its column only) is checked,
 * then re-encrypted as `v2` under the active PHI_KEYS key with the row's primary key in its
 * associated data, so a value copied into another row no longer decrypts. Rows are rewritten in
 * primary-key batches and values already `v2` are skipped, so an interrupted run resumes where it
 * stopped (and `claimtrail keys rotate-phi` rebinds any `v1` value written meanwhile by a process
 * still on the older release).
 */
export class PhiRowBinding1764000018000 implements MigrationInterface {
  name = 'PhiRowBinding1764000018000';

  async up(q: QueryRunner): Promise<void> {
    const run = (sql: string, params?: unknown[]) => q.query(sql, params);
    for (const column of COLUMNS) {
      await rewriteColumn(
        run,
        column,
        (stored, key) => phiCipher().reencrypt(stored, { column: column.name, row: rowKey(key) }),
        { batchSize: BATCH, skipPrefix: FieldCipher.currentPrefix },
      );
    }
  }

  /** Back to the column-only format, under the active key. */
  async down(q: QueryRunner): Promise<void> {
    const run = (sql: string, params?: unknown[]) => q.query(sql, params);
    for (const column of COLUMNS) {
      await rewriteColumn(
        run,
        column,
        (stored, key) =>
          stored.startsWith(FieldCipher.currentPrefix)
            ? phiCipher().unbind(stored, { column: column.name, row: rowKey(key) })
            : stored,
        { batchSize: BATCH },
      );
    }
  }
}
