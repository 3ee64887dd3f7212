import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { approvedHistories } from '@claimtrail/claims/adjudication/load-decision-inputs';
import { AdjudicationService } from '@claimtrail/claims/adjudication/adjudication.service';
import { ClaimsService } from '@claimtrail/claims/intake/claims.service';
import { MembersService } from '@claimtrail/claims/coverage/members.service';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { PlansService } from '@claimtrail/claims/coverage/plans.service';
import { ClaimsModule } from '@claimtrail/claims/claims.module';

/** The worker's batch path against real PostgreSQL: what one transaction writes for many claims. */
describe('adjudication in batches', () => {
  let moduleRef: TestingModule;
  let db: DataSource;
  let claims: ClaimsService;
  let adjudication: AdjudicationService;
  let payerId: string;
  let providerId: string;
  const members = [`B1-${Date.now()}`, `B2-${Date.now()}`, `B3-${Date.now()}`, `B4-${Date.now()}`];
  let seq = 0;

  // A day of its own for every claim, so none is a duplicate of another.
  const submit = (memberNumber: string, serviceDate?: string) =>
    claims.submit(providerId, {
      externalRef: `batch-${Date.now()}-${++seq}`,
      payerId,
      memberNumber,
      serviceDate: serviceDate ?? `2026-05-${String(seq).padStart(2, '0')}`,
      currency: 'KES',
      diagnoses: ['J06.9'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [ClaimsModule] }).compile();
    await moduleRef.init();
    db = moduleRef.get(getDataSourceToken());
    claims = moduleRef.get(ClaimsService);
    adjudication = moduleRef.get(AdjudicationService);
    const orgs = moduleRef.get(OrganizationsService);
    payerId = (await orgs.create('payer', 'Batch Payer')).organization.id;
    providerId = (await orgs.create('provider', 'Batch Clinic')).organization.id;
    const plan = await moduleRef.get(PlansService).create(payerId, 'Batch plan', {
      currency: 'KES',
      coverage: { start: '2026-01-01', end: '2026-12-31' },
      contractedProviders: [providerId],
      limits: { annual: 400000 },
      tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
    });
    await moduleRef.get(MembersService).enrol(
      payerId,
      members.map((memberNumber, i) => ({
        memberNumber,
        planId: plan.plan.id,
        fullName: `Batch Member ${i}`,
        birthDate: '1990-01-01',
        sex: 'F' as const,
        coverageStart: '2026-01-01',
        coverageEnd: '2026-12-31',
      })),
    );
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  const memberIdOf = async (claimId: string): Promise<string> =>
    ((await db.query(`SELECT member_id FROM claims WHERE id = $1`, [claimId])) as { member_id: string }[])[0]
      .member_id;

  it('decides a member’s claims in one batch in turn, and sums their usage into one accumulator row', async () => {
    // Three claims of 150,000 against a 400,000 annual limit: the third gets only what is left.
    const first = await submit(members[0]);
    const second = await submit(members[0]);
    const third = await submit(members[0]);
    const other = await submit(members[1]);
    const ids = [third.id, other.id, first.id, second.id];
    const outcomes = await adjudication.adjudicateBatch(ids);
    expect(outcomes.every((o) => !(o instanceof Error) && o.kind === 'decided')).toBe(true);

    const approved = async (id: string) =>
      Number(
        (
          (await db.query(`SELECT total_approved::text AS a FROM claim_decisions WHERE claim_id = $1`, [
            id,
          ])) as { a: string }[]
        )[0].a,
      );
    expect(await approved(first.id)).toBe(150000);
    expect(await approved(second.id)).toBe(150000);
    expect(await approved(third.id)).toBe(100000);
    expect(await approved(other.id)).toBe(150000);

    const [acc] = (await db.query(
      `SELECT annual_approved::text AS annual, category_approved AS categories
         FROM member_accumulators WHERE member_id = $1 AND benefit_year = 2026`,
      [await memberIdOf(first.id)],
    )) as { annual: string; categories: Record<string, number> }[];
    expect(Number(acc.annual)).toBe(400000);
    expect(acc.categories).toEqual({ outpatient: 400000 });

    // Ledger-outbox rows are queued in the order the claims were decided.
    const queued = (await db.query(
      `SELECT claim_id FROM ledger_outbox WHERE claim_id = ANY($1) ORDER BY id`,
      [ids],
    )) as { claim_id: string }[];
    expect(queued.map((r) => r.claim_id)).toEqual([first.id, second.id, third.id, other.id]);
  });

  it('keeps both transitions in the claim’s trail and writes its revision once', async () => {
    const { id } = await submit(members[1]);
    await adjudication.adjudicateBatch([id]);
    const events = (await db.query(
      `SELECT revision, from_status, to_status FROM claim_events WHERE claim_id = $1 ORDER BY id`,
      [id],
    )) as { revision: number; from_status: string | null; to_status: string }[];
    expect(events).toEqual([
      { revision: 0, from_status: null, to_status: 'received' },
      { revision: 0, from_status: 'received', to_status: 'adjudicating' },
      { revision: 1, from_status: 'adjudicating', to_status: 'approved' },
    ]);
    const [row] = (await db.query(`SELECT status, revision FROM claims WHERE id = $1`, [id])) as {
      status: string;
      revision: number;
    }[];
    expect(row).toEqual({ status: 'approved', revision: 1 });
  });

  it('defers a claim whose member another transaction holds, and decides it once the member is free', async () => {
    const busy = await submit(members[0]);
    const free = await submit(members[1]);
    const memberId = await memberIdOf(busy.id);
    const runner = db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT id FROM members WHERE id = $1 FOR NO KEY UPDATE`, [memberId]);
      const outcomes = await adjudication.adjudicateBatch([busy.id, free.id], new Date(), {
        deferBusyMembers: true,
      });
      expect(outcomes[0]).toEqual({ kind: 'deferred' });
      expect(outcomes[1]).toMatchObject({ kind: 'decided' });
      const [row] = (await db.query(`SELECT status FROM claims WHERE id = $1`, [busy.id])) as {
        status: string;
      }[];
      expect(row.status).toBe('received');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await adjudication.adjudicateClaim(busy.id)).toMatchObject({ kind: 'decided' });
  });

  it('adds every approval to its payer’s totals for the primary diagnosis, and nothing else', async () => {
    // members[0] has used its whole annual limit above: this claim is rejected and must not count.
    const spent = await submit(members[0]);
    const fresh = await submit(members[2]);
    const outcomes = await adjudication.adjudicateBatch([spent.id, fresh.id]);
    expect(outcomes.every((o) => !(o instanceof Error) && o.kind === 'decided')).toBe(true);
    const statuses = (await db.query(`SELECT id, status, approved_lines FROM claims WHERE id = ANY($1)`, [
      [spent.id, fresh.id],
    ])) as { id: string; status: string; approved_lines: unknown }[];
    // The claim row carries what its decision approved, which later histories read.
    expect(Object.fromEntries(statuses.map((r) => [r.id, [r.status, r.approved_lines]]))).toEqual({
      [spent.id]: ['rejected', []],
      [fresh.id]: ['approved', [['CONS-GP', 1]]],
    });

    // The running totals agree with a scan of every approved claim of this payer and diagnosis.
    const [scan] = (await db.query(
      `SELECT count(*)::int AS claims, sum(d.total_approved)::text AS total,
              round(avg(d.total_approved))::text AS avg
         FROM claims c JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = c.revision
        WHERE c.payer_id = $1 AND c.diagnoses[1] = 'J06.9'
          AND c.status IN ('approved', 'partially_approved', 'paid')`,
      [payerId],
    )) as { claims: number; total: string; avg: string }[];
    const [totals] = (await db.query(
      `SELECT sum(claims)::int AS claims, sum(approved_total)::text AS total,
              round(sum(approved_total)::numeric / sum(claims))::text AS avg
         FROM diagnosis_approved_totals WHERE payer_id = $1 AND diagnosis = 'J06.9'`,
      [payerId],
    )) as { claims: number; total: string; avg: string }[];
    expect(scan.claims).toBeGreaterThan(3);
    expect(totals).toEqual(scan);
  });

  it('reads a member’s approved lines by service date, without undecided or excepted claims', async () => {
    // Submitted later-dated first: the history is ordered by service date, not by arrival.
    const later = await submit(members[3], '2026-06-20');
    const earlier = await submit(members[3], '2026-06-10');
    await adjudication.adjudicateBatch([later.id, earlier.id]);
    await submit(members[3], '2026-06-01'); // received, not decided: no part of the history
    const memberId = await memberIdOf(later.id);
    const line = (claimId: string, serviceDate: string) => ({
      claimId,
      providerId,
      serviceDate,
      careType: 'outpatient',
      serviceCode: 'CONS-GP',
      quantity: 1,
    });
    const history = await approvedHistories(db.manager, [memberId, await memberIdOf(earlier.id)], []);
    expect([...history]).toEqual([
      [memberId, [line(earlier.id, '2026-06-10'), line(later.id, '2026-06-20')]],
    ]);
    // A claim being (re)decided is left out of its own history.
    expect((await approvedHistories(db.manager, [memberId], [earlier.id])).get(memberId)).toEqual([
      line(later.id, '2026-06-20'),
    ]);
  });

  it('refuses stored lines that break the line checks (quantity above 0, price of 0 or more)', async () => {
    const { id } = await submit(members[1]);
    for (const bad of [{ quantity: 0 }, { unitPrice: -1 }, { quantity: 'two' }]) {
      await expect(
        db.query(`UPDATE claims SET lines = jsonb_set(lines, '{0}', (lines->0) || $2::jsonb) WHERE id = $1`, [
          id,
          JSON.stringify(bad),
        ]),
      ).rejects.toThrow(/claims_lines_valid/);
    }
  });
});
