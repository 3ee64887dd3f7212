import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import type { ApiKeyScope } from '@claimtrail/claims/access/api-key-scopes';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { TypeOrmApiKeysRepository } from '@claimtrail/claims/infra/repositories/typeorm-api-keys.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

/** The API keys repository on PostgreSQL: what the in-memory one promises the use cases, for real. */
describe('TypeOrmApiKeysRepository', () => {
  let db: DataSource;
  let repo: TypeOrmApiKeysRepository;
  let transactions: TypeOrmTransactions;
  const orgId = randomUUID();
  const otherOrgId = randomUUID();

  const newKey = (organizationId = orgId, scopes: ApiKeyScope[] = ['admin', 'claims:read']) => ({
    id: randomUUID(),
    organizationId,
    prefix: randomBytes(6).toString('hex'),
    secretHash: randomBytes(32).toString('hex'),
    label: 'k',
    scopes,
    issuedByOrganizationId: null,
    issuedByKeyId: null,
  });
  const insert = (key: ReturnType<typeof newKey>) => transactions.run((tx) => repo.insert(tx, key));

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 4 });
    repo = new TypeOrmApiKeysRepository(db);
    transactions = new TypeOrmTransactions(db);
    for (const [id, kind] of [
      [orgId, 'payer'],
      [otherOrgId, 'provider'],
    ]) {
      await db.query(
        `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
         VALUES ($1, $2, $3, $4, 'pk', 'sk')`,
        [id, kind, `${kind} ${id}`, id],
      );
    }
  });

  afterAll(() => db?.destroy());

  it('stores a key and reads it back: in its organization only, newest first in the list', async () => {
    const first = await insert(newKey());
    const second = await insert(newKey(orgId, ['claims:read']));
    expect(first).toMatchObject({ label: 'k', scopes: ['admin', 'claims:read'], revokedAt: null });
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(await transactions.run((tx) => repo.find(tx, orgId, first.id))).toEqual(first);
    expect(await transactions.run((tx) => repo.find(tx, otherOrgId, first.id))).toBeNull();
    expect(await transactions.run((tx) => repo.lock(tx, orgId, second.id))).toEqual(second);
    expect(await transactions.run((tx) => repo.lock(tx, otherOrgId, second.id))).toBeNull();
    const listed = await repo.listOf(orgId);
    expect(listed.indexOf(listed.find((k) => k.id === second.id)!)).toBeLessThan(
      listed.indexOf(listed.find((k) => k.id === first.id)!),
    );
    expect(await repo.listOf(randomUUID())).toEqual([]);
  });

  it('writes nothing of a transaction that fails', async () => {
    const key = newKey();
    await expect(
      transactions.run(async (tx) => {
        await repo.insert(tx, key);
        await repo.insert(tx, { ...key, id: randomUUID() }); // the same prefix twice: refused
      }),
    ).rejects.toThrow();
    expect(await transactions.run((tx) => repo.find(tx, orgId, key.id))).toBeNull();
  });

  it('revokes, and counts active keys by the database clock, keys in their grace period included', async () => {
    const org = randomUUID();
    await db.query(
      `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
       VALUES ($1, 'payer', 'counted', $2, 'pk', 'sk')`,
      [org, org],
    );
    const admin = await insert(newKey(org, ['admin']));
    const reader = await insert(newKey(org, ['claims:read']));
    const graced = await insert(newKey(org, ['admin', 'claims:read']));
    const count = (scope?: ApiKeyScope) => transactions.run((tx) => repo.countActive(tx, org, scope));
    expect([await count(), await count('admin')]).toEqual([3, 2]);
    const by = { revokedByOrganizationId: org, revokedByKeyId: admin.id };
    await transactions.run(async (tx) => {
      await repo.revoke(tx, reader.id, { revokedAt: new Date(Date.now() - 1000), ...by });
      await repo.revoke(tx, graced.id, { revokedAt: new Date(Date.now() + 3_600_000), ...by });
    });
    expect([await count(), await count('admin'), await count('claims:read')]).toEqual([2, 2, 1]);
    const revoked = await transactions.run((tx) => repo.find(tx, org, reader.id));
    expect(revoked).toMatchObject(by);
    expect(revoked!.revokedAt!.getTime()).toBeLessThan(Date.now());
  });

  it('reads the credentials of several prefixes at once, with their organization', async () => {
    const a = await insert(newKey(orgId, ['admin']));
    const b = await insert(newKey(otherOrgId, ['claims:read']));
    const found = await repo.credentialsByPrefix([a.prefix, b.prefix, a.prefix, 'ffffffffffff']);
    expect(found.sort((x, y) => (x.id === a.id ? -1 : y.id === a.id ? 1 : 0))).toEqual([
      {
        prefix: a.prefix,
        id: a.id,
        hash: a.secretHash,
        revoked: null,
        org: orgId,
        kind: 'payer',
        scopes: ['admin'],
      },
      {
        prefix: b.prefix,
        id: b.id,
        hash: b.secretHash,
        revoked: null,
        org: otherOrgId,
        kind: 'provider',
        scopes: ['claims:read'],
      },
    ]);
  });
});
