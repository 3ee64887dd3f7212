import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import type { MemberRow } from '@claimtrail/claims/coverage/members.repository';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { TypeOrmMembersRepository } from '@claimtrail/claims/infra/repositories/typeorm-members.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

/** The members repository on PostgreSQL: what the in-memory one promises the use cases, for real. */
describe('TypeOrmMembersRepository', () => {
  let db: DataSource;
  let repo: TypeOrmMembersRepository;
  let transactions: TypeOrmTransactions;
  const payerId = randomUUID();
  const otherPayerId = randomUUID();
  const planId = randomUUID();
  const otherPlanId = randomUUID();

  const row = (over: Partial<MemberRow> = {}): MemberRow => {
    const memberNumber = over.memberNumber ?? `M-${randomUUID()}`;
    return {
      id: randomUUID(),
      payerId,
      planId,
      memberNumber,
      memberRef: randomUUID().replaceAll('-', '').padEnd(64, '0'),
      fullName: 'Wanjiru Kamau',
      birthDate: '1987-11-23',
      phone: '+254712345678',
      sex: 'F',
      status: 'active',
      coverageStart: '2026-01-01',
      coverageEnd: '2026-12-31',
      ...over,
    };
  };

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 4 });
    repo = new TypeOrmMembersRepository(db);
    transactions = new TypeOrmTransactions(db);
    for (const id of [payerId, otherPayerId]) {
      await db.query(
        `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
         VALUES ($1, 'payer', $2, 'Org1MSP', 'pk', 'sk')`,
        [id, `payer ${id}`],
      );
    }
    for (const [id, payer] of [
      [planId, payerId],
      [otherPlanId, otherPayerId],
    ]) {
      await db.query(`INSERT INTO plans (id, payer_id, name) VALUES ($1, $2, 'Plan')`, [id, payer]);
    }
  });

  afterAll(() => db?.destroy());

  it("tells which plans are the payer's own", async () => {
    const own = await repo.ownPlanIds(payerId, [planId, otherPlanId, randomUUID()]);
    expect([...own]).toEqual([planId]);
  });

  it('inserts members, reads them back in the clear and stores their personal fields sealed', async () => {
    const a = row();
    const b = row({ phone: null, sex: 'X', status: 'suspended' });
    const enrolled = await transactions.run((tx) => repo.upsertMembers(tx, [a, b]));
    expect(enrolled).toEqual([
      { id: a.id, memberNumber: a.memberNumber },
      { id: b.id, memberNumber: b.memberNumber },
    ]);
    const read = await repo.findMember(payerId, a.id);
    expect(read).toMatchObject({ ...a });
    expect(read!.createdAt).toBeInstanceOf(Date);
    expect(await repo.findMember(payerId, b.id)).toMatchObject({
      phone: null,
      sex: 'X',
      status: 'suspended',
    });
    const [stored] = (await db.query(`SELECT full_name, birth_date, phone FROM members WHERE id = $1`, [
      a.id,
    ])) as { full_name: string; birth_date: string; phone: string }[];
    expect(Object.values(stored).join(' ')).not.toMatch(/Wanjiru|1987|254712345678/);
    expect(await repo.findMember(otherPayerId, a.id)).toBeNull();
    expect(await repo.findMember(payerId, randomUUID())).toBeNull();
  });

  it('updates a member number already enrolled in place, keeping its id, and answers the stored id', async () => {
    const first = row();
    await transactions.run((tx) => repo.upsertMembers(tx, [first]));
    const known = await transactions.run((tx) =>
      repo.idsByMemberNumber(tx, payerId, [first.memberNumber, 'never-enrolled']),
    );
    expect([...known]).toEqual([[first.memberNumber, first.id]]);
    expect(
      await transactions.run((tx) => repo.idsByMemberNumber(tx, otherPayerId, [first.memberNumber])),
    ).toEqual(new Map());
    const renewal = row({
      id: first.id,
      memberNumber: first.memberNumber,
      fullName: 'Wanjiru N. Kamau',
      phone: null,
      coverageStart: '2027-01-01',
      coverageEnd: '2027-12-31',
    });
    const [again] = await transactions.run((tx) => repo.upsertMembers(tx, [renewal]));
    expect(again).toEqual({ id: first.id, memberNumber: first.memberNumber });
    expect(await repo.findMember(payerId, first.id)).toMatchObject({
      fullName: 'Wanjiru N. Kamau',
      phone: null,
      coverageStart: '2027-01-01',
      memberRef: first.memberRef,
    });
    // Given a fresh id for a number already enrolled (a concurrent enrolment), the row's id wins.
    const [raced] = await transactions.run((tx) =>
      repo.upsertMembers(tx, [row({ memberNumber: first.memberNumber })]),
    );
    expect(raced.id).toBe(first.id);
    // Sealed for the given id, its values no longer open: written again for the row's id, as the use case does.
    await transactions.run((tx) => repo.upsertMembers(tx, [{ ...renewal, fullName: 'Resealed' }]));
    expect(await repo.findMember(payerId, first.id)).toMatchObject({ fullName: 'Resealed' });
  });

  it('writes nothing of a transaction that fails', async () => {
    const a = row();
    await expect(
      transactions.run(async (tx) => {
        await repo.upsertMembers(tx, [a]);
        await repo.upsertMembers(tx, [row({ planId: randomUUID() })]); // no such plan: refused
      }),
    ).rejects.toThrow();
    expect(await repo.findMember(payerId, a.id)).toBeNull();
  });
});
