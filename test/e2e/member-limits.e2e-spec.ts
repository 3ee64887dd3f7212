import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runCli } from '../support/cli';
import { apiClient, expectStatus } from '../support/api-client';
import { eventually, startStack, type Stack } from '../support/stack';

/** Claims of one member decided at the same time must never jointly exceed the member's limits. */
describe('member limits under concurrency', () => {
  let stack: Stack;
  let db: DataSource;
  const tag = `lim${Date.now().toString(36)}`;
  const ANNUAL_LIMIT = 1_000_000;

  beforeAll(async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '16' });
    db = stack.api.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('approves at most the annual limit across 50 concurrent claims, and the accumulator matches', async () => {
    const op = JSON.parse(
      (await runCli(['org', 'create', '--kind', 'operator', '--name', `Ops ${tag}`, '--json'])).stdout,
    );
    const asOperator = apiClient(stack.baseUrl, op.apiKey);
    const org = async (kind: 'payer' | 'provider', name: string) =>
      expectStatus(await asOperator.POST('/v1/organizations', { body: { kind, name } }), 201);
    const payer = await org('payer', `Payer ${tag}`);
    const clinics = [await org('provider', `Clinic A ${tag}`), await org('provider', `Clinic B ${tag}`)];
    const asPayer = apiClient(stack.baseUrl, payer.apiKey);
    const plan = await asPayer.POST('/v1/plans', {
      body: {
        name: 'Capped outpatient',
        ruleSet: {
          currency: 'KES',
          coverage: { start: '2026-01-01', end: '2026-12-31' },
          contractedProviders: clinics.map((c) => c.id),
          tariff: {
            'CONS-GP': { unitPrice: 150000, category: 'outpatient' },
            'LAB-FBC': { unitPrice: 80000, category: 'laboratory' },
          },
          limits: { annual: ANNUAL_LIMIT },
        },
      },
    });
    const planId = expectStatus(plan, 201).id;
    expect(plan.data?.versions).toHaveLength(1);
    const memberNumber = `C-${tag}`;
    const enrol = await asPayer.POST('/v1/members', {
      body: {
        members: [
          {
            memberNumber,
            planId,
            fullName: 'Amina Hassan',
            birthDate: '1988-02-02',
            sex: 'F',
            coverageStart: '2026-01-01',
            coverageEnd: '2026-12-31',
          },
        ],
      },
    });
    const memberId = expectStatus(enrol, 201).members[0].id;
    const member = await asPayer.GET('/v1/members/{id}', { params: { path: { id: memberId } } });
    expect(expectStatus(member, 200)).toMatchObject({ memberNumber, planId, status: 'active', phone: null });

    // 50 claims of 230,000 each (23x the limit's share), on 50 different days, fired all at once.
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        apiClient(stack.baseUrl, clinics[i % 2].apiKey).POST('/v1/claims', {
          body: {
            externalRef: `${tag}-${i}`,
            payerId: payer.id,
            memberNumber,
            serviceDate: `2026-0${1 + (i % 9)}-${String(1 + Math.floor(i / 9)).padStart(2, '0')}`,
            currency: 'KES',
            diagnoses: ['J06.9'],
            lines: [
              { serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 },
              { serviceCode: 'LAB-FBC', quantity: 1, unitPrice: 80000 },
            ],
          },
        }),
      ),
    );
    expect(responses.map((r) => r.response.status)).toEqual(Array(50).fill(202));
    const ids = responses.map((r) => expectStatus(r, 202).id);

    await eventually(
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status NOT IN ('received', 'adjudicating')`,
          [ids],
        );
        return n === 50 ? true : undefined;
      },
      90_000,
      'all 50 claims decided',
    );
    const [{ approved }] = await db.query(
      `SELECT coalesce(sum(d.total_approved), 0)::bigint AS approved
         FROM claims c JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = c.revision WHERE c.id = ANY($1)`,
      [ids],
    );
    expect(Number(approved)).toBeLessThanOrEqual(ANNUAL_LIMIT);
    // The limit is used up, not left half-empty: 4 full claims and one cut short reach exactly 1,000,000.
    expect(Number(approved)).toBe(ANNUAL_LIMIT);
    const [acc] = await db.query(
      `SELECT annual_approved FROM member_accumulators WHERE member_id = $1 AND benefit_year = 2026`,
      [memberId],
    );
    expect(Number(acc.annual_approved)).toBe(Number(approved));
    const [{ limited }] = await db.query(
      `SELECT count(*)::int AS limited FROM claims c JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = c.revision
        WHERE c.id = ANY($1) AND 'ANNUAL_LIMIT_REACHED' = ANY(
          SELECT jsonb_array_elements_text(l->'reasonCodes') FROM jsonb_array_elements(d.lines) l)`,
      [ids],
    );
    expect(limited).toBeGreaterThanOrEqual(45);
  });
});
