import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { chainedEntryOf } from '@claimtrail/claims/infra/repositories/access-log-rows';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { firstBreak, GENESIS_HASH } from '@claimtrail/claims/domain/access-log-chain';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { ADMIN_URL } from '../support/test-databases';

/** The migration that chains the access log, on a database that already holds claim and proof reads. */
describe('access-log chain migration', () => {
  const dbName = `claimtrail_test_acl_${Date.now()}_${randomBytes(3).toString('hex')}`;
  let db: DataSource;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(sql);
    await c.end();
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    db = await connectDataSource({
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: 2,
      PHI_KEYS: loadConfig(process.env).PHI_KEYS,
    });
    await db.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await db?.destroy();
    if (process.env.KEEP_TEST_DB !== '1') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('chains the reads logged before it, refuses edits after it, and goes down and up again', async () => {
    await db.undoLastMigration({ transaction: 'all' });
    const org = randomUUID();
    const key = randomUUID();
    await db.query(
      `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
       VALUES ($1, 'payer', 'Payer', $2, 'pk', 'sk')`,
      [org, org],
    );
    await db.query(
      `INSERT INTO api_keys (id, organization_id, prefix, secret_hash, label, scopes)
       VALUES ($1, $2, 'abcdefabcdef', 'h', 'default', '{admin}')`,
      [key, org],
    );
    const claims = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, claim] of claims.entries())
      await db.query(
        `INSERT INTO access_log (organization_id, api_key_id, action, claim_id, request_id) VALUES ($1, $2, $3, $4, $5)`,
        [org, key, i === 1 ? 'read_proof' : 'read_claim', claim, `req-${i}`],
      );

    await db.runMigrations({ transaction: 'each' });
    const rows = ((await db.query(`SELECT * FROM access_log ORDER BY seq`)) as Record<string, unknown>[]).map(
      chainedEntryOf,
    );
    expect(rows.map((r) => [r.seq, r.action, r.subjectIds, r.route])).toEqual([
      [1, 'read_claim', [claims[0]], '/v1/claims/:id'],
      [2, 'read_proof', [claims[1]], '/v1/ledger/claims/:id/proof'],
      [3, 'read_claim', [claims[2]], '/v1/claims/:id'],
    ]);
    expect(firstBreak(rows, { seq: 0, hash: GENESIS_HASH })).toBeNull();
    await expect(db.query(`DELETE FROM access_log WHERE seq = 3`)).rejects.toThrow(/append-only/);

    await db.undoLastMigration({ transaction: 'all' });
    expect(await db.query(`SELECT claim_id, action FROM access_log ORDER BY id`)).toEqual([
      { claim_id: claims[0], action: 'read_claim' },
      { claim_id: claims[1], action: 'read_proof' },
      { claim_id: claims[2], action: 'read_claim' },
    ]);
    await db.runMigrations({ transaction: 'each' });
    const again = (
      (await db.query(`SELECT * FROM access_log ORDER BY seq`)) as Record<string, unknown>[]
    ).map(chainedEntryOf);
    expect(again.map((r) => r.hash)).toEqual(rows.map((r) => r.hash));
  });
});
