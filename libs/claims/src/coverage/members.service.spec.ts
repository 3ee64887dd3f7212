import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import type { AppConfig } from '../config/app-config';
import { memberRef } from '../domain';
import { InMemoryMembersRepository } from '../testing/in-memory-members.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import { type EnrolMember, MembersService } from './members.service';

const PAYER = 'payer-1';
const OTHER_PAYER = 'payer-2';
const SECRET = 'member-ref-secret';
const NOW = new Date('2026-06-15T12:00:00Z');

const member = (over: Partial<EnrolMember> = {}): EnrolMember => ({
  memberNumber: 'M-1',
  planId: 'plan-1',
  fullName: 'Ada Lovelace',
  birthDate: '1990-04-01',
  sex: 'F',
  phone: '+44 20 0000 0000',
  coverageStart: '2026-01-01',
  coverageEnd: '2026-12-31',
  ...over,
});

function setUp() {
  const repo = new InMemoryMembersRepository();
  repo.plans.set('plan-1', PAYER);
  repo.plans.set('plan-2', PAYER);
  repo.plans.set('foreign-plan', OTHER_PAYER);
  const transactions = new InMemoryTransactions();
  const config = { MEMBER_REF_SECRET: SECRET } as AppConfig;
  return { repo, transactions, members: new MembersService(transactions, repo, config) };
}

describe('MembersService', () => {
  it('enrols members in one transaction and one statement, with their pseudonyms, active by default', async () => {
    const { members, repo, transactions } = setUp();
    const enrolled = await members.enrol(
      PAYER,
      [member(), member({ memberNumber: 'M-2', planId: 'plan-2', phone: undefined, status: 'suspended' })],
      NOW,
    );
    expect(enrolled.map((e) => e.memberNumber)).toEqual(['M-1', 'M-2']);
    expect(transactions.count).toBe(1);
    expect(repo.upserts).toHaveLength(1);
    const first = await members.get(PAYER, enrolled[0].id);
    expect(first).toMatchObject({
      payerId: PAYER,
      planId: 'plan-1',
      fullName: 'Ada Lovelace',
      birthDate: '1990-04-01',
      phone: '+44 20 0000 0000',
      status: 'active',
      memberRef: memberRef(SECRET, PAYER, 'M-1'),
    });
    expect(await members.get(PAYER, enrolled[1].id)).toMatchObject({ phone: null, status: 'suspended' });
  });

  it('renews a member in place: same id, the whole record replaced (a phone left out is cleared)', async () => {
    const { members } = setUp();
    const [first] = await members.enrol(PAYER, [member()], NOW);
    const [renewed] = await members.enrol(
      PAYER,
      [
        member({
          planId: 'plan-2',
          phone: undefined,
          coverageStart: '2027-01-01',
          coverageEnd: '2027-12-31',
        }),
      ],
      NOW,
    );
    expect(renewed.id).toBe(first.id);
    expect(await members.get(PAYER, first.id)).toMatchObject({
      planId: 'plan-2',
      phone: null,
      coverageStart: '2027-01-01',
    });
  });

  it('refuses members born in the future, naming each one, before reading anything', async () => {
    const { members, repo, transactions } = setUp();
    const err = await members
      .enrol(PAYER, [member(), member({ memberNumber: 'M-2', birthDate: '2026-06-17' })], NOW)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(AppErrorCode.DateInFuture);
    expect((err as AppError).details).toEqual([
      { field: 'members.1.birthDate', rule: expect.stringContaining('2026-06-16') as string },
    ]);
    expect(transactions.count).toBe(0);
    expect(repo.members.size).toBe(0);
  });

  it("refuses members of plans the payer does not own (another payer's, or none), writing nothing", async () => {
    const { members, repo, transactions } = setUp();
    const err = await members
      .enrol(
        PAYER,
        [member(), member({ memberNumber: 'M-2', planId: 'foreign-plan' }), member({ planId: 'no-plan' })],
        NOW,
      )
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe(AppErrorCode.UnknownPlan);
    expect((err as AppError).details).toEqual([
      { field: 'members.1.planId', rule: "must be one of the payer's plans" },
      { field: 'members.2.planId', rule: "must be one of the payer's plans" },
    ]);
    expect(transactions.count).toBe(0);
    expect(repo.members.size).toBe(0);
  });

  it('writes again, for the stored id, a member enrolled concurrently between the read and the write', async () => {
    const { members, repo } = setUp();
    let raced = false;
    repo.beforeUpsert = () => {
      if (raced) return;
      raced = true;
      repo.members.set('row-of-the-other-request', {
        ...member({ fullName: 'Other request' }),
        id: 'row-of-the-other-request',
        payerId: PAYER,
        memberRef: memberRef(SECRET, PAYER, 'M-1'),
        phone: null,
        status: 'active',
        createdAt: NOW,
      });
    };
    const enrolled = await members.enrol(PAYER, [member(), member({ memberNumber: 'M-2' })], NOW);
    expect(enrolled[0].id).toBe('row-of-the-other-request');
    expect(repo.upserts).toHaveLength(2);
    expect(repo.upserts[1]).toEqual([
      expect.objectContaining({ id: 'row-of-the-other-request', memberNumber: 'M-1' }),
    ]);
    expect(await members.get(PAYER, 'row-of-the-other-request')).toMatchObject({ fullName: 'Ada Lovelace' });
  });

  it("treats another payer's member, or none, as not found", async () => {
    const { members } = setUp();
    const [enrolled] = await members.enrol(PAYER, [member()], NOW);
    await expect(members.get(OTHER_PAYER, enrolled.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(members.get(PAYER, 'no-such-member')).rejects.toBeInstanceOf(NotFoundError);
  });
});
