import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { buildScenario, consultationClaim, type Scenario } from '../support/scenario';
import { client, startStack, type Stack } from '../support/stack';

/** The UTC date `days` from now. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const TABLES = [
  'claims',
  'claim_events',
  'claim_decisions',
  'ledger_outbox',
  'members',
  'plans',
  'plan_versions',
];

describe('bad input is refused with problem+json and leaves no row behind', () => {
  let stack: Stack;
  let scenario: Scenario;
  let db: DataSource;
  const tag = `bad${Date.now().toString(36)}`;

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        TABLES.map(
          async (t) => [t, Number((await db.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n)] as const,
        ),
      ),
    );

  const validClaim = () => consultationClaim(scenario, `${tag}-${Math.random().toString(36).slice(2)}`);

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
    scenario = await buildScenario(stack.baseUrl, tag);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const claimCases: [string, () => unknown, number, string][] = [
    ['a missing field', () => ({ ...validClaim(), lines: undefined }), 400, 'lines'],
    [
      'a wrong type',
      () => ({ ...validClaim(), lines: [{ serviceCode: 'CONS-GP', quantity: '2', unitPrice: 150000 }] }),
      400,
      'lines.0.quantity',
    ],
    [
      'a negative quantity',
      () => ({ ...validClaim(), lines: [{ serviceCode: 'CONS-GP', quantity: -1, unitPrice: 150000 }] }),
      400,
      'lines.0.quantity',
    ],
    [
      'a zero quantity',
      () => ({ ...validClaim(), lines: [{ serviceCode: 'CONS-GP', quantity: 0, unitPrice: 150000 }] }),
      400,
      'lines.0.quantity',
    ],
    [
      'a fractional price',
      () => ({ ...validClaim(), lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 1500.5 }] }),
      400,
      'lines.0.unitPrice',
    ],
    ['an impossible date', () => ({ ...validClaim(), serviceDate: '2026-02-30' }), 400, 'serviceDate'],
    ['a malformed diagnosis', () => ({ ...validClaim(), diagnoses: ['malaria'] }), 400, 'diagnoses.0'],
    ['an unknown field', () => ({ ...validClaim(), notes: 'hello' }), 400, 'notes'],
    ['an unknown member', () => ({ ...validClaim(), memberNumber: 'NOBODY-1' }), 422, 'memberNumber'],
    // Two days ahead of UTC is after today in every time zone.
    ['a service date in the future', () => ({ ...validClaim(), serviceDate: inDays(2) }), 422, 'serviceDate'],
    [
      'an unknown service code',
      () => ({ ...validClaim(), lines: [{ serviceCode: 'ZZZ-999', quantity: 1, unitPrice: 100 }] }),
      422,
      'lines.0.serviceCode',
    ],
    ['a JSON array', () => [validClaim()], 400, 'body'],
  ];

  it.each(claimCases)('refuses a claim with %s', async (_, makeBody, status, field) => {
    const before = await counts();
    const r = await client(stack.baseUrl, scenario.providers[0].key)('POST', '/v1/claims', makeBody());
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:claimtrail:problem:/),
      title: expect.any(String),
      correlationId: expect.any(String),
    });
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(r.body.errors.every((e: { rule: string }) => e.rule.length > 0)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['malformed JSON', '{"externalRef": "x",', { 'content-type': 'application/json' }, 400, 'body'],
    ['a wrong content type', 'externalRef=x', { 'content-type': 'text/plain' }, 415, 'content-type'],
    [
      'a form-encoded body',
      'externalRef=x',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'content-type',
    ],
    [
      'a __proto__ key',
      '{"__proto__": {"admin": true}}',
      { 'content-type': 'application/json' },
      400,
      'body',
    ],
    [
      'a 2 MB body',
      JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
      { 'content-type': 'application/json' },
      413,
      'body',
    ],
  ])('refuses %s', async (_, raw, headers, status, field) => {
    const before = await counts();
    const r = await fetch(`${stack.baseUrl}/v1/claims`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scenario.providers[0].key}`, ...headers },
      body: raw,
    });
    const body = (await r.json()) as { status: number; errors: { field: string; rule: string }[] };
    expect(r.status).toBe(status);
    if (raw.includes('__proto__')) expect(body.errors[0].rule).toMatch(/__proto__/);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body.status).toBe(status);
    expect(body.errors.map((e) => e.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('refuses to enrol a member born in the future, with a 422 naming the field', async () => {
    const before = await counts();
    const r = await client(stack.baseUrl, scenario.payer.key)('POST', '/v1/members', {
      members: [
        {
          memberNumber: `U-${tag}`,
          planId: scenario.planId,
          fullName: 'Akinyi Unborn',
          birthDate: inDays(2),
          sex: 'F',
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ type: 'urn:claimtrail:problem:date-in-future' });
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['members.0.birthDate']);
    expect(await counts()).toEqual(before);
  });

  it('answers 401 without a valid key and 403 for the wrong kind of organization', async () => {
    const before = await counts();
    const none = await client(stack.baseUrl)('POST', '/v1/claims', validClaim());
    expect(none.status).toBe(401);
    const forged = await client(stack.baseUrl, 'ct_000000000000_' + 'A'.repeat(43))(
      'POST',
      '/v1/claims',
      validClaim(),
    );
    expect(forged.status).toBe(401);
    const payer = await client(stack.baseUrl, scenario.payer.key)('POST', '/v1/claims', validClaim());
    expect(payer.status).toBe(403);
    expect(payer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await counts()).toEqual(before);
  });

  it('refuses an invalid rule set naming the path, and publishes nothing', async () => {
    const before = await counts();
    const r = await client(stack.baseUrl, scenario.payer.key)('POST', '/v1/plans', {
      name: 'Broken plan',
      ruleSet: {
        currency: 'KES',
        coverage: { start: '2026-01-01', end: '2026-12-31' },
        contractedProviders: [scenario.providers[0].id],
        tariff: { X01: { unitPrice: -1, category: 'outpatient' } },
      },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toContainEqual({
      field: 'ruleSet.tariff.X01.unitPrice',
      rule: 'must be a non-negative integer (minor units)',
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses a bulk enrolment with one bad member as a whole', async () => {
    const before = await counts();
    const good = {
      memberNumber: `${tag}-1`,
      planId: scenario.planId,
      fullName: 'Achieng Atieno',
      birthDate: '1995-01-01',
      sex: 'F',
      coverageStart: '2026-01-01',
      coverageEnd: '2026-12-31',
    };
    const r = await client(stack.baseUrl, scenario.payer.key)('POST', '/v1/members', {
      members: [good, { ...good, memberNumber: `${tag}-2`, birthDate: '1995-13-01' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain('members.1.birthDate');
    expect(await counts()).toEqual(before);
  });

  it('answers 404, not 500, for a claim that does not exist and 400 for a malformed id', async () => {
    const provider = client(stack.baseUrl, scenario.providers[0].key);
    expect((await provider('GET', '/v1/claims/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await provider('GET', '/v1/claims/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('id');
  });
});
