/** An encrypted column: where it lives, its primary key (names and PostgreSQL types) and its AAD name. */
export interface EncryptedColumnSpec {
  table: string;
  column: string;
  key: readonly { name: string; type: string }[];
  /** `table.column`, bound into every ciphertext of the column. */
  name: string;
}

/** Primary keys of the encrypted tables, as migrations name them. */
export const ID_KEY: EncryptedColumnSpec['key'] = [{ name: 'id', type: 'uuid' }];
export const DECISION_KEY: EncryptedColumnSpec['key'] = [
  { name: 'claim_id', type: 'uuid' },
  { name: 'revision', type: 'integer' },
];

/** The spec of `table.column` with primary key `key`. */
export const encryptedColumn = (
  table: string,
  column: string,
  key: EncryptedColumnSpec['key'],
): EncryptedColumnSpec => ({ table, column, key, name: `${table}.${column}` });

/** Runs one SQL statement; both `DataSource.query` and `QueryRunner.query` fit. */
export type RunSql = (sql: string, params?: unknown[]) => Promise<unknown>;

// Identifiers come from entity metadata or migration constants, never from input; quoting keeps
// odd names safe anyway. Values always travel as parameters.
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Rewrites the non-null values of one column in primary-key order, `batchSize` rows per UPDATE,
 * skipping values that already start with `skipPrefix`; `rewrite` gets each value with its row's
 * primary key values (as PostgreSQL prints them as text, the form bound into ciphertexts). Each UPDATE only touches a row whose
 * value is still the one read, so a concurrent write is never overwritten with older data.
 * Returns how many rows were rewritten.
 */
export async function rewriteColumn(
  run: RunSql,
  spec: EncryptedColumnSpec,
  rewrite: (value: string, key: string[]) => string,
  opts: { batchSize: number; skipPrefix?: string },
): Promise<number> {
  const table = ident(spec.table);
  const column = ident(spec.column);
  const keys = spec.key.map((k) => ident(k.name));
  let after: string[] | undefined;
  let rewritten = 0;
  for (;;) {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`${column} IS NOT NULL`];
    if (opts.skipPrefix) {
      const prefix = param(opts.skipPrefix);
      where.push(`left(${column}, length(${prefix})) <> ${prefix}`);
    }
    if (after) {
      const bounds = spec.key.map((k, i) => `${param(after![i])}::${k.type}`);
      where.push(`(${keys.join(', ')}) > (${bounds.join(', ')})`);
    }
    const rows = (await run(
      `SELECT ${keys.map((k, i) => `${k}::text AS k${i}`).join(', ')}, ${column} AS value
         FROM ${table} WHERE ${where.join(' AND ')}
        ORDER BY ${keys.join(', ')} LIMIT ${Math.max(1, Math.floor(opts.batchSize))}`,
      params,
    )) as Record<string, string>[];
    if (rows.length === 0) return rewritten;
    const keyValues = spec.key.map((_, i) => rows.map((r) => r[`k${i}`]));
    const next = rows.map((r) => {
      try {
        return rewrite(
          r.value,
          spec.key.map((_, i) => r[`k${i}`]),
        );
      } catch (err) {
        // Name the row (keys are random ids, never PHI) so an operator can look at it.
        const at = spec.key.map((k, i) => `${k.name}=${r[`k${i}`]}`).join(', ');
        throw new Error(`${err instanceof Error ? err.message : String(err)} [row ${at}]`, { cause: err });
      }
    });
    const columns = spec.key.map((k, i) => `$${i + 1}::${k.type}[]`);
    const n = spec.key.length;
    const result = await run(
      `UPDATE ${table} AS t SET ${column} = v.next
         FROM unnest(${columns.join(', ')}, $${n + 1}::text[], $${n + 2}::text[])
              AS v(${spec.key.map((_, i) => `k${i}`).join(', ')}, prev, next)
        WHERE ${keys.map((k, i) => `t.${k} = v.k${i}`).join(' AND ')} AND t.${column} = v.prev`,
      [...keyValues, rows.map((r) => r.value), next],
    );
    rewritten += affectedRows(result);
    const last = rows[rows.length - 1];
    after = spec.key.map((_, i) => last[`k${i}`]);
  }
}

/** Non-null values of a column that do not start with `prefix`. */
export async function countNotPrefixed(
  run: RunSql,
  spec: EncryptedColumnSpec,
  prefix: string,
): Promise<number> {
  const column = ident(spec.column);
  const [row] = (await run(
    `SELECT count(*)::int AS n FROM ${ident(spec.table)}
      WHERE ${column} IS NOT NULL AND left(${column}, length($1)) <> $1`,
    [prefix],
  )) as { n: number }[];
  return row.n;
}

// TypeORM answers an UPDATE on PostgreSQL with [rows, rowCount].
function affectedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
