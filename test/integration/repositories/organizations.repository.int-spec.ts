import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { TypeOrmOrganizationsRepository } from '@claimtrail/claims/infra/repositories/typeorm-organizations.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

/** The organizations repository on PostgreSQL: what the in-memory one promises the use cases, for real. */
describe('TypeOrmOrganizationsRepository', () => {
  let db: DataSource;
  let repo: TypeOrmOrganizationsRepository;
  let transactions: TypeOrmTransactions;

  const organization = (kind: 'payer' | 'operator' = 'payer') => {
    const id = randomUUID();
    return {
      id,
      kind,
      name: `${kind} ${id}`,
      mspId: id,
      signingPublicKey: `public ${id}`,
      signingPrivateKey: `private ${id}`,
    };
  };

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 4 });
    repo = new TypeOrmOrganizationsRepository(db);
    transactions = new TypeOrmTransactions(db);
  });

  afterAll(() => db?.destroy());

  it('stores an organization, its private key encrypted, and reads it back with or without the key', async () => {
    const org = organization();
    await transactions.run((tx) => repo.insert(tx, org));
    const { signingPrivateKey, ...published } = org;
    const found = await repo.find(org.id);
    expect(found).toMatchObject(published);
    expect((found as unknown as Record<string, unknown>).signingPrivateKey).toBeUndefined();
    expect(found!.createdAt).toBeInstanceOf(Date);
    expect(await repo.findWithSigningKey(org.id)).toMatchObject({ ...published, signingPrivateKey });
    const [{ stored }] = (await db.query(
      `SELECT signing_private_key AS stored FROM organizations WHERE id = $1`,
      [org.id],
    )) as { stored: string }[];
    expect(stored).not.toContain(signingPrivateKey);
    expect(await repo.find(randomUUID())).toBeNull();
    expect(await repo.findWithSigningKey(randomUUID())).toBeNull();
  });

  it('writes nothing of a transaction that fails', async () => {
    const org = organization();
    await expect(
      transactions.run(async (tx) => {
        await repo.insert(tx, org);
        await repo.insert(tx, org); // the same id twice: refused by PostgreSQL
      }),
    ).rejects.toThrow();
    expect(await repo.find(org.id)).toBeNull();
  });

  it("lists every organization's public key by id", async () => {
    const orgs = [organization(), organization()];
    for (const o of orgs) await transactions.run((tx) => repo.insert(tx, o));
    const keys = await repo.publicKeys();
    expect(keys.map((k) => k.id)).toEqual([...keys.map((k) => k.id)].sort());
    for (const o of orgs) {
      expect(keys.find((k) => k.id === o.id)).toEqual({
        id: o.id,
        kind: 'payer',
        signingPublicKey: o.signingPublicKey,
      });
    }
  });

  it('names the first operator created', async () => {
    const op = organization('operator');
    await transactions.run((tx) => repo.insert(tx, op));
    const [first] = (await db.query(
      `SELECT id FROM organizations WHERE kind = 'operator' ORDER BY created_at, id LIMIT 1`,
    )) as { id: string }[];
    expect(await repo.firstOperatorId()).toBe(first.id);
  });

  it("holds a locked organization's row until the locking transaction ends", async () => {
    const org = organization();
    await transactions.run((tx) => repo.insert(tx, org));
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = transactions.run(async (tx) => {
      await repo.lock(tx, org.id);
      order.push('first locked');
      await held;
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 200));
    const second = transactions.run(async (tx) => {
      await repo.lock(tx, org.id);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first ends', 'second locked']);
  });
});
