import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool, type PoolClient } from 'pg';
import { PROVIDER } from '@claimtrail/claims/domain/testing/adjudication-fixtures';
import { assertPostgresReachable } from '@claimtrail/claims/infra/preflight';
import {
  ceilingResult,
  cleanUp,
  formatCeiling,
  uniqueRunName,
  type CeilingOptions,
  type CeilingResult,
} from './ceiling';

/** Clients committing at once; about what the API and worker pools hold between them. */
const CLIENTS = 16;

/**
 * A claim-like jsonb document of about 600 bytes: a five-line outpatient claim with its
 * commitment hashes, the shape and size of what the platform keeps per claim.
 */
export function claimRowPayload(): string {
  const codes = ['CONS-GP', 'LAB-MRDT', 'DRUG-AL', 'LAB-MRDT', 'DRUG-AL'];
  return JSON.stringify({
    externalRef: 'INV-2026-000123',
    careType: 'outpatient',
    serviceDate: '2026-03-14',
    diagnoses: ['B50.9', 'J06.9'],
    lines: codes.map((serviceCode, i) => ({ lineNo: i + 1, serviceCode, quantity: 1, unitPrice: 45000 })),
    requestHash: 'a3f1'.repeat(16),
    claimCommitment: '9c0e'.repeat(16),
  });
}

/** The scratch table: the claims table's columns that matter for write cost, plus a jsonb body. */
const createTable = (table: string) => `
  CREATE TABLE ${table} (
    id uuid PRIMARY KEY,
    provider_id uuid NOT NULL,
    external_ref text NOT NULL,
    status text NOT NULL,
    currency char(3) NOT NULL,
    service_date date NOT NULL,
    diagnoses text[] NOT NULL,
    total_claimed bigint NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * PostgreSQL committing one claim-sized row per transaction (BEGIN; INSERT; COMMIT, three round
 * trips) from 16 pooled clients at once, into a logged table of a scratch schema dropped afterwards.
 */
export async function measurePostgresSingleRowTx(
  opts: Pick<CeilingOptions, 'databaseUrl' | 'durationMs' | 'log'>,
): Promise<CeilingResult> {
  await assertPostgresReachable(opts.databaseUrl);
  const schema = uniqueRunName('ceiling_pg');
  const table = `${schema}.claims`;
  const insert = `INSERT INTO ${table} (id, provider_id, external_ref, status, currency, service_date, diagnoses, total_claimed, body)
    VALUES ($1, $2, $3, 'submitted', 'KES', '2026-03-14', $4, 225000, $5)`;
  const body = claimRowPayload();
  const diagnoses = ['B50.9', 'J06.9'];
  const pool = new Pool({
    connectionString: opts.databaseUrl,
    max: CLIENTS,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', (err) => opts.log?.(`ceiling postgres: idle client error: ${err.message}`));
  const clients: PoolClient[] = [];
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(createTable(table));
    // Every client is connected before the clock starts, so connecting is not measured.
    for (let i = 0; i < CLIENTS; i++) {
      const client = await pool.connect();
      // A checked-out client whose connection dies emits 'error' on itself; its query rejects too.
      client.on('error', (err) => opts.log?.(`ceiling postgres: client error: ${err.message}`));
      clients.push(client);
    }

    let commits = 0;
    // The first failure stops every client, so none is still querying when the pool is closed.
    const failure: { error?: unknown } = {};
    const started = performance.now();
    const deadline = started + opts.durationMs;
    await Promise.all(
      clients.map(async (client, c) => {
        try {
          for (let n = 0; !('error' in failure) && performance.now() < deadline; n++) {
            await client.query('BEGIN');
            await client.query(insert, [randomUUID(), PROVIDER, `EXT-${c}-${n}`, diagnoses, body]);
            await client.query('COMMIT');
            commits++;
          }
        } catch (err: unknown) {
          if (!('error' in failure)) failure.error = err;
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }),
    );
    if ('error' in failure) throw failure.error;
    const result = ceilingResult(
      'postgres-single-row-tx',
      `PostgreSQL commits/s: BEGIN; INSERT one claim-sized row (${body.length}-byte jsonb); COMMIT, ${CLIENTS} clients concurrently, logged table`,
      commits,
      performance.now() - started,
    );
    opts.log?.(formatCeiling(result));
    return result;
  } finally {
    // Destroyed, not returned: a client may have failed mid-transaction, and the pool closes anyway.
    for (const client of clients) client.release(true);
    await cleanUp(
      'drop the scratch schema',
      () => pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
      opts.log,
    );
    await cleanUp('close the pool', () => pool.end(), opts.log);
  }
}
