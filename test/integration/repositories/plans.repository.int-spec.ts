import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { plan } from '@claimtrail/claims/domain/testing/adjudication-fixtures';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { TypeOrmPlansRepository } from '@claimtrail/claims/infra/repositories/typeorm-plans.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

/** The plans repository on PostgreSQL: what the in-memory one promises the use cases, for real. */
describe('TypeOrmPlansRepository', () => {
  let db: DataSource;
  let repo: TypeOrmPlansRepository;
  let transactions: TypeOrmTransactions;
  const payerId = randomUUID();
  const providerId = randomUUID();
  const published = plan();

  const version = (planId: string, n: number) => ({
    id: randomUUID(),
    planId,
    version: n,
    ruleSet: published.ruleSet,
    ruleSetHash: published.ruleSetHash,
    coverageStart: published.ruleSet.coverage.start,
    coverageEnd: published.ruleSet.coverage.end,
  });

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 4 });
    repo = new TypeOrmPlansRepository(db);
    transactions = new TypeOrmTransactions(db);
    for (const [id, kind] of [
      [payerId, 'payer'],
      [providerId, 'provider'],
    ]) {
      await db.query(
        `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
         VALUES ($1, $2, $3, 'Org1MSP', 'pk', 'sk')`,
        [id, kind, `${kind} ${id}`],
      );
    }
  });

  afterAll(() => db?.destroy());

  it('writes a plan and its versions and reads them back, oldest version first', async () => {
    const planId = randomUUID();
    const created = await transactions.run(async (tx) => {
      const p = await repo.insertPlan(tx, { id: planId, payerId, name: 'Outpatient' });
      await repo.insertVersion(tx, version(planId, 2));
      await repo.insertVersion(tx, version(planId, 1));
      return p;
    });
    expect(created).toMatchObject({ id: planId, payerId, name: 'Outpatient' });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await repo.findPlan(payerId, planId)).toEqual(created);
    expect(await repo.findPlan(randomUUID(), planId)).toBeNull();
    const versions = await repo.versions(planId);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]).toMatchObject({ ruleSetHash: published.ruleSetHash, coverageStart: '2026-01-01' });
    expect(versions[0].ruleSet).toEqual(published.ruleSet);
    expect(await transactions.run((tx) => repo.latestVersionNumber(tx, planId))).toBe(2);
    expect(await transactions.run((tx) => repo.latestVersionNumber(tx, randomUUID()))).toBe(0);
  });

  it('writes nothing of a transaction that fails', async () => {
    const planId = randomUUID();
    await expect(
      transactions.run(async (tx) => {
        await repo.insertPlan(tx, { id: planId, payerId, name: 'Half' });
        await repo.insertVersion(tx, version(planId, 1));
        await repo.insertVersion(tx, version(planId, 1)); // the same number twice: refused by PostgreSQL
      }),
    ).rejects.toThrow();
    expect(await repo.findPlan(payerId, planId)).toBeNull();
    expect(await repo.versions(planId)).toEqual([]);
  });

  it('holds a locked plan until the locking transaction ends, and only for its payer', async () => {
    const planId = randomUUID();
    await transactions.run((tx) => repo.insertPlan(tx, { id: planId, payerId, name: 'Locked' }));
    expect(await transactions.run((tx) => repo.lockPlan(tx, randomUUID(), planId))).toBeNull();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = transactions.run(async (tx) => {
      await repo.lockPlan(tx, payerId, planId);
      order.push('first locked');
      await held;
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 200));
    const second = transactions.run(async (tx) => {
      await repo.lockPlan(tx, payerId, planId);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first ends', 'second locked']);
  });

  it('tells which ids are provider organizations', async () => {
    const ids = await transactions.run((tx) => repo.providerIds(tx, [providerId, payerId, randomUUID()]));
    expect([...ids]).toEqual([providerId]);
  });
});
