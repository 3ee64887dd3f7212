import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import type { NewFund } from '@claimtrail/claims/funds-payments/funds.repository';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { TypeOrmFundsRepository } from '@claimtrail/claims/infra/repositories/typeorm-funds.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

/** The funds repository on PostgreSQL: what the in-memory one promises the use cases, for real. */
describe('TypeOrmFundsRepository', () => {
  let db: DataSource;
  let repo: TypeOrmFundsRepository;
  let transactions: TypeOrmTransactions;
  const funderId = randomUUID();
  const otherFunderId = randomUUID();

  const fund = (over: Partial<NewFund> = {}): NewFund => ({
    id: randomUUID(),
    funderId,
    name: 'Maternal care',
    currency: 'KES',
    budget: 9_000_000_000_000,
    total: 4_000_000_000_000,
    allocated: 0,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    earmarks: { categories: ['maternity'], payerIds: [randomUUID()] },
    ledgerTxId: `tx-${randomUUID()}`,
    ...over,
  });

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 4 });
    repo = new TypeOrmFundsRepository(db);
    transactions = new TypeOrmTransactions(db);
    for (const id of [funderId, otherFunderId]) {
      await db.query(
        `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
         VALUES ($1, 'funder', $2, 'Org1MSP', 'pk', 'sk')`,
        [id, `funder ${id}`],
      );
    }
  });

  afterAll(() => db?.destroy());

  it('writes a fund and reads it back, amounts beyond 2^31 intact, only for its funder', async () => {
    const written = fund();
    await repo.insertFund(written);
    const read = await repo.findFund(funderId, written.id);
    expect(read).toMatchObject(written);
    expect(read!.createdAt).toBeInstanceOf(Date);
    expect(await repo.findFund(otherFunderId, written.id)).toBeNull();
    expect(await repo.findFund(funderId, randomUUID())).toBeNull();
  });

  it("lists the funder's funds, newest first", async () => {
    const funder = randomUUID();
    await db.query(
      `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
       VALUES ($1, 'funder', $2, 'Org1MSP', 'pk', 'sk')`,
      [funder, `funder ${funder}`],
    );
    const first = fund({ funderId: funder });
    const second = fund({ funderId: funder });
    await repo.insertFund(first);
    await new Promise((r) => setTimeout(r, 10));
    await repo.insertFund(second);
    expect((await repo.fundsOf(funder)).map((f) => f.id)).toEqual([second.id, first.id]);
    expect(await repo.fundsOf(randomUUID())).toEqual([]);
  });

  it('records a top-up and the new total in one transaction, or neither', async () => {
    const written = fund();
    await repo.insertFund(written);
    const topUpId = randomUUID();
    await transactions.run(async (tx) => {
      const locked = await repo.lockFund(tx, funderId, written.id);
      await repo.insertTopUp(tx, { id: topUpId, fundId: written.id, amount: 1_000, ledgerTxId: 'tx-top-up' });
      await repo.updateTotal(tx, written.id, locked!.total + 1_000);
    });
    expect((await repo.findFund(funderId, written.id))!.total).toBe(4_000_000_001_000);
    const rows = (await db.query(`SELECT amount, ledger_tx_id FROM fund_top_ups WHERE id = $1`, [
      topUpId,
    ])) as { amount: string; ledger_tx_id: string }[];
    expect(rows).toEqual([{ amount: '1000', ledger_tx_id: 'tx-top-up' }]);

    await expect(
      transactions.run(async (tx) => {
        await repo.updateTotal(tx, written.id, 1);
        await repo.insertTopUp(tx, { id: topUpId, fundId: written.id, amount: 1, ledgerTxId: 'again' }); // same id
      }),
    ).rejects.toThrow();
    expect((await repo.findFund(funderId, written.id))!.total).toBe(4_000_000_001_000);
  });

  it('holds a locked fund until the locking transaction ends, and only for its funder', async () => {
    const written = fund();
    await repo.insertFund(written);
    expect(await transactions.run((tx) => repo.lockFund(tx, otherFunderId, written.id))).toBeNull();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = transactions.run(async (tx) => {
      await repo.lockFund(tx, funderId, written.id);
      order.push('first locked');
      await held;
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 200));
    const second = transactions.run(async (tx) => {
      await repo.lockFund(tx, funderId, written.id);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first ends', 'second locked']);
  });

  it('reports no entries for a fund nothing was allocated from', async () => {
    const written = fund();
    await repo.insertFund(written);
    expect(await repo.reportEntries(written.id)).toEqual([]);
  });
});
