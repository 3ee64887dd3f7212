import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { buildScenario, TARIFF } from '../support/scenario';
import { client, eventually, startStack, type Stack } from '../support/stack';

/** A claim that fails on every attempt ends visibly in `error` and does not hold up the others. */
describe('a poison claim', () => {
  let stack: Stack;
  let db: DataSource;

  beforeAll(async () => {
    stack = await startStack({ ADJUDICATION_ATTEMPTS: '2' });
    db = stack.api.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('ends in error with its reason after the retry budget, while other claims are decided', async () => {
    const tag = `poison${Date.now().toString(36)}`;
    const s = await buildScenario(stack.baseUrl, tag);
    const asPayer = client(stack.baseUrl, s.payer.key);
    // A second plan whose stored rule set is broken behind the platform's back: every attempt throws.
    const broken = await asPayer('POST', '/v1/plans', {
      name: 'Broken',
      ruleSet: {
        currency: 'KES',
        coverage: { start: '2026-01-01', end: '2026-12-31' },
        contractedProviders: [s.providers[0].id],
        tariff: TARIFF,
      },
    });
    await db.query(`UPDATE plan_versions SET rule_set = '{"currency": "KES"}' WHERE plan_id = $1`, [
      broken.body.id,
    ]);
    await asPayer('POST', '/v1/members', {
      members: [
        {
          memberNumber: `${tag}-p`,
          planId: broken.body.id,
          fullName: 'Baraka Mutua',
          birthDate: '1980-01-01',
          sex: 'M',
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        },
      ],
    });
    const provider = client(stack.baseUrl, s.providers[0].key);
    const body = (ref: string, memberNumber: string) => ({
      externalRef: `${tag}-${ref}`,
      payerId: s.payer.id,
      memberNumber,
      serviceDate: '2026-04-01',
      currency: 'KES',
      diagnoses: ['J06.9'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });
    const poison = await provider('POST', '/v1/claims', body('poison', `${tag}-p`));
    const healthy = await provider('POST', '/v1/claims', body('healthy', s.members.active));
    expect([poison.status, healthy.status]).toEqual([202, 202]);

    const decided = await eventually(async () => {
      const v = await provider('GET', `/v1/claims/${healthy.body.id}`);
      return v.body.decision ? v.body : undefined;
    });
    expect(decided.status).toBe('approved');
    const failed = await eventually(async () => {
      const v = await provider('GET', `/v1/claims/${poison.body.id}`);
      return v.body.status === 'error' ? v.body : undefined;
    }, 30_000);
    expect(failed.error).toEqual(expect.any(String));
    expect(failed.decision).toBeNull();
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ledger_outbox WHERE claim_id = $1`, [
      poison.body.id,
    ]);
    expect(n).toBe(0);
  });
});
