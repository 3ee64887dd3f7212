import type { DataSource } from 'typeorm';
import { countNotPrefixed, rewriteColumn, type EncryptedColumnSpec } from './column-rewrite';
import { EncryptedColumnTransformer } from './encrypted-column.transformer';
import { FieldCipher, rowKey } from './field-cipher';
import { phiCipher } from './phi-cipher.registry';

/** What rotation did to one encrypted column. */
export interface PhiRotationCount {
  /** `table.column`. */
  column: string;
  /** Rows re-encrypted under the active key by this run. */
  rotated: number;
  /** Rows still under another key afterwards (written concurrently by a process on the old keyring). */
  remaining: number;
}

/**
 * Every encrypted column, found from the entities' transformers so a newly encrypted column is
 * rotated without being listed twice.
 */
export function encryptedColumns(db: DataSource): EncryptedColumnSpec[] {
  return db.entityMetadatas.flatMap((entity) =>
    entity.columns
      .filter((c) => c.transformer instanceof EncryptedColumnTransformer)
      .map((c) => ({
        table: entity.tableName,
        column: c.databaseName,
        name: (c.transformer as EncryptedColumnTransformer<unknown>).column,
        key: entity.primaryColumns.map((k) => ({ name: k.databaseName, type: db.driver.normalizeType(k) })),
      })),
  );
}

/**
 * Re-encrypts, in batches, every encrypted value that is not yet under the active key and bound
 * to its row. Values
 * under a key missing from the keyring, or altered, stop the run with an error naming the column;
 * batches already written stay written, so running it again resumes.
 */
export async function rotatePhi(
  db: DataSource,
  opts: { batchSize?: number; cipher?: FieldCipher } = {},
): Promise<PhiRotationCount[]> {
  const cipher = opts.cipher ?? phiCipher();
  const prefix = FieldCipher.prefixFor(cipher.activeKid);
  const run = (sql: string, params?: unknown[]) => db.query(sql, params);
  const counts: PhiRotationCount[] = [];
  for (const spec of encryptedColumns(db)) {
    // Also moves values still in the column-only format to the row-bound one: their prefix differs.
    const rotated = await rewriteColumn(
      run,
      spec,
      (stored, key) => cipher.reencrypt(stored, { column: spec.name, row: rowKey(key) }),
      {
        batchSize: opts.batchSize ?? 500,
        skipPrefix: prefix,
      },
    );
    counts.push({ column: spec.name, rotated, remaining: await countNotPrefixed(run, spec, prefix) });
  }
  return counts;
}
