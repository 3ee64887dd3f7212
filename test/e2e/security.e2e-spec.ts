import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { buildScenario, consultationClaim, type Scenario } from '../support/scenario';
import { client, eventually, startStack, type Stack } from '../support/stack';

type Role = 'operator' | 'payer' | 'provider' | 'funder';
interface Endpoint {
  method: string;
  path: () => string;
  body?: () => unknown;
  roles: Role[];
  /** Callers of an allowed kind that do not own the resource must get 404, not the resource. */
  otherTenant?: () => string;
}

/** The API as an attacker sees it: every endpoint against missing, bad, revoked, wrong and foreign keys. */
describe('access control and hardening', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  let otherPayer: { id: string; key: string };
  let claimId: string;
  let revokedKey: string;
  const tag = `sec${Date.now().toString(36)}`;
  const keyOf = (role: Role) =>
    ({ operator: s.operatorKey, payer: s.payer.key, provider: s.providers[0].key, funder: s.funder.key })[
      role
    ];

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
    s = await buildScenario(stack.baseUrl, tag);
    const made = await client(stack.baseUrl, s.operatorKey)('POST', '/v1/organizations', {
      kind: 'payer',
      name: `Other payer ${tag}`,
    });
    otherPayer = { id: made.body.id, key: made.body.apiKey };
    const submitted = await client(stack.baseUrl, s.providers[0].key)(
      'POST',
      '/v1/claims',
      consultationClaim(s, `${tag}-1`),
    );
    claimId = submitted.body.id;
    await eventually(async () =>
      (await client(stack.baseUrl, s.payer.key)('GET', `/v1/claims/${claimId}`)).body.ledger
        ? true
        : undefined,
    );
    const extra = await client(stack.baseUrl, s.providers[0].key)(
      'POST',
      `/v1/organizations/${s.providers[0].id}/keys`,
      { label: 'to revoke' },
    );
    expect(extra.status).toBe(201);
    revokedKey = extra.body.apiKey;
    const revoke = await client(stack.baseUrl, s.providers[0].key)(
      'POST',
      `/v1/organizations/${s.providers[0].id}/keys/${extra.body.id}/revoke`,
    );
    expect(revoke.status).toBe(200);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const endpoints = (): Endpoint[] => [
    {
      method: 'POST',
      path: () => '/v1/organizations',
      body: () => ({ kind: 'provider', name: 'Sneaky Clinic' }),
      roles: ['operator'],
    },
    // Any organization may manage its own keys: for everyone else, another's keys do not exist. The
    // operator sees them (to revoke one) but may not issue any: it would become that organization.
    {
      method: 'GET',
      path: () => `/v1/organizations/${s.payer.id}/keys`,
      roles: ['operator', 'payer', 'provider', 'funder'],
      otherTenant: () => otherPayer.key,
    },
    {
      method: 'POST',
      path: () => `/v1/organizations/${s.payer.id}/keys`,
      body: () => ({ label: 'x' }),
      roles: ['payer', 'provider', 'funder'],
      otherTenant: () => otherPayer.key,
    },
    {
      method: 'GET',
      path: () => `/v1/organizations/${s.payer.id}/public-key`,
      roles: ['operator', 'payer', 'provider', 'funder'],
    },
    {
      method: 'GET',
      path: () => `/v1/plans/${s.planId}`,
      roles: ['payer'],
      otherTenant: () => otherPayer.key,
    },
    {
      method: 'POST',
      path: () => `/v1/plans/${s.planId}/versions`,
      body: () => ({ ruleSet: {} }),
      roles: ['payer'],
      otherTenant: () => otherPayer.key,
    },
    { method: 'POST', path: () => '/v1/plans', body: () => ({ name: 'x', ruleSet: {} }), roles: ['payer'] },
    { method: 'POST', path: () => '/v1/members', body: () => ({ members: [] }), roles: ['payer'] },
    {
      method: 'GET',
      path: () => `/v1/claims/${claimId}`,
      roles: ['provider', 'payer'],
      otherTenant: () => otherPayer.key,
    },
    { method: 'GET', path: () => '/v1/claims', roles: ['provider', 'payer'] },
    { method: 'POST', path: () => '/v1/claims', body: () => ({}), roles: ['provider'] },
    { method: 'POST', path: () => '/v1/claims/batch', body: () => ({ claims: [] }), roles: ['provider'] },
    {
      method: 'POST',
      path: () => `/v1/claims/${claimId}/void`,
      roles: ['provider'],
      otherTenant: () => s.providers[1].key,
    },
    {
      method: 'POST',
      path: () => `/v1/claims/${claimId}/review`,
      body: () => ({ action: 'approve' }),
      roles: ['payer'],
      otherTenant: () => otherPayer.key,
    },
    {
      method: 'POST',
      path: () => `/v1/claims/${claimId}/ledger-retry`,
      roles: ['payer'],
      otherTenant: () => otherPayer.key,
    },
    { method: 'GET', path: () => '/v1/ledger/head', roles: ['operator', 'payer', 'provider', 'funder'] },
    {
      method: 'GET',
      path: () => `/v1/ledger/claims/${claimId}/proof`,
      roles: ['payer', 'provider', 'funder', 'operator'],
      otherTenant: () => s.providers[1].key,
    },
    { method: 'GET', path: () => '/v1/access-log', roles: ['operator'] },
  ];

  const noData = (body: any) => {
    expect(body).toMatchObject({
      type: expect.stringMatching(/^urn:claimtrail:problem:/),
      status: expect.any(Number),
    });
    expect(JSON.stringify(body)).not.toContain(s.members.active);
  };

  it('refuses every endpoint without a key, with a malformed, unknown or revoked key (401)', async () => {
    for (const e of endpoints()) {
      for (const key of [undefined, 'not-a-key', `ct_${'0'.repeat(12)}_${'A'.repeat(43)}`, revokedKey]) {
        const r = await client(stack.baseUrl, key)(e.method, e.path(), e.body?.());
        expect({
          endpoint: `${e.method} ${e.path()}`,
          key: key?.slice(0, 8),
          status: r.status,
        }).toMatchObject({ status: 401 });
        noData(r.body);
      }
    }
  });

  it('refuses the wrong kind of organization (403) and other tenants (404, as if absent)', async () => {
    for (const e of endpoints()) {
      for (const role of ['operator', 'payer', 'provider', 'funder'] as Role[]) {
        if (e.roles.includes(role)) continue;
        const r = await client(stack.baseUrl, keyOf(role))(e.method, e.path(), e.body?.());
        expect({ endpoint: `${e.method} ${e.path()}`, role, status: r.status }).toMatchObject({
          status: 403,
        });
        noData(r.body);
      }
      if (e.otherTenant) {
        const r = await client(stack.baseUrl, e.otherTenant())(e.method, e.path(), e.body?.());
        expect({ endpoint: `${e.method} ${e.path()}`, status: r.status }).toMatchObject({ status: 404 });
        noData(r.body);
      }
    }
    const otherList = await client(stack.baseUrl, otherPayer.key)('GET', '/v1/claims');
    expect(otherList.body.items).toEqual([]);
    const otherProvider = await client(stack.baseUrl, s.providers[1].key)('GET', '/v1/claims');
    expect(otherProvider.body.items.map((c: { id: string }) => c.id)).not.toContain(claimId);
  });

  it('keeps injection and script strings inert in every string field', async () => {
    const counts = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM claims)::int AS c, (SELECT count(*) FROM members)::int AS m, (SELECT count(*) FROM organizations)::int AS o`,
        )
      )[0];
    const nasty = [
      "'; DROP TABLE claims; --",
      "' OR '1'='1",
      '<script>alert(1)</script>',
      'Robert"); DELETE FROM members;--',
      '\u0000',
      '${7*7}',
      '../../etc/passwd',
    ];
    const before = await counts();
    const accepted = new Set<string>();
    const provider = client(stack.baseUrl, s.providers[0].key);
    const payer = client(stack.baseUrl, s.payer.key);
    const operator = client(stack.baseUrl, s.operatorKey);
    const base = {
      externalRef: `${tag}-n`,
      payerId: s.payer.id,
      memberNumber: s.members.active,
      serviceDate: '2026-03-14',
      currency: 'KES',
      diagnoses: ['B54'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    };
    for (const v of nasty) {
      const attempts = [
        provider('POST', '/v1/claims', { ...base, externalRef: v }),
        provider('POST', '/v1/claims', { ...base, memberNumber: v }),
        provider('POST', '/v1/claims', { ...base, diagnoses: [v] }),
        provider('POST', '/v1/claims', { ...base, currency: v }),
        provider('POST', '/v1/claims', { ...base, lines: [{ ...base.lines[0], serviceCode: v }] }),
        provider('POST', '/v1/claims', { ...base, lines: [{ ...base.lines[0], preauthRef: v }] }),
        provider('GET', `/v1/claims?status=${encodeURIComponent(v)}`),
        provider('GET', `/v1/claims?cursor=${encodeURIComponent(v)}`),
        provider('GET', `/v1/claims/${encodeURIComponent(v)}`),
        payer('POST', '/v1/plans', { name: v, ruleSet: {} }),
        payer('POST', `/v1/claims/${claimId}/review`, { action: 'reject', note: v }),
        payer('POST', `/v1/organizations/${s.payer.id}/keys`, { label: v }),
        operator('GET', `/v1/access-log?claimId=${encodeURIComponent(v)}`),
      ];
      for (const r of await Promise.all(attempts)) {
        expect(r.status).toBeLessThan(500);
        if (r.status === 202) accepted.add(r.body.id);
      }
    }
    // A name with injection text is stored and returned verbatim, never executed.
    const stored = await operator('POST', '/v1/organizations', { kind: 'funder', name: nasty[0] });
    expect(stored.status).toBe(201);
    expect(stored.body.name).toBe(nasty[0]);
    const after = await counts();
    // Path-like references are valid ones and create claims: exactly those the API accepted, each
    // stored once; nothing else changed.
    expect(after).toEqual({ ...before, c: before.c + accepted.size, o: before.o + 1 });
    const [{ stored: kept }] = await db.query(
      `SELECT count(*)::int AS stored FROM claims WHERE id = ANY($1)`,
      [[...accepted]],
    );
    expect(kept).toBe(accepted.size);
    // The member's own row is untouched.
    expect(
      (
        await db.query(`SELECT count(*)::int AS n FROM members WHERE member_number = $1`, [s.members.active])
      )[0].n,
    ).toBe(1);
  });

  it('answers 413 for an oversized body and 400 for a deeply nested one', async () => {
    const big = await client(stack.baseUrl, s.providers[0].key)(
      'POST',
      '/v1/claims',
      JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
    );
    expect(big.status).toBe(413);
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const nested = await client(stack.baseUrl, s.providers[0].key)('POST', '/v1/claims', deep);
    expect(nested.status).toBe(400);
    const deepObject = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    expect((await client(stack.baseUrl, s.payer.key)('POST', '/v1/members', deepObject)).status).toBe(400);
  });

  it('sends security headers and no CORS grant to a foreign origin', async () => {
    const r = await fetch(`${stack.baseUrl}/v1/ledger/head`, {
      headers: { authorization: `Bearer ${s.funder.key}`, origin: 'https://evil.example' },
    });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBeTruthy();
    expect(r.headers.get('strict-transport-security')).toBeTruthy();
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.baseUrl}/v1/claims`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('logs who read which claim, for the operator', async () => {
    await client(stack.baseUrl, s.payer.key)('GET', `/v1/claims/${claimId}`);
    await client(stack.baseUrl, s.funder.key)('GET', `/v1/ledger/claims/${claimId}/proof`);
    const log = await client(stack.baseUrl, s.operatorKey)('GET', `/v1/access-log?claimId=${claimId}`);
    expect(log.status).toBe(200);
    expect(log.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organizationId: s.payer.id, action: 'read_claim', claimId }),
        expect.objectContaining({ organizationId: s.funder.id, action: 'read_proof', claimId }),
      ]),
    );
  });

  it('rotates a key with a grace period and then refuses the old one', async () => {
    const own = client(stack.baseUrl, s.providers[1].key);
    const keys = await own('GET', `/v1/organizations/${s.providers[1].id}/keys`);
    expect(keys.body).toHaveLength(1);
    expect(JSON.stringify(keys.body)).not.toContain(s.providers[1].key);
    const rotated = await own(
      'POST',
      `/v1/organizations/${s.providers[1].id}/keys/${keys.body[0].id}/rotate`,
      { graceSeconds: 1 },
    );
    expect(rotated.status).toBe(201);
    expect((await client(stack.baseUrl, s.providers[1].key)('GET', '/v1/claims')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await client(stack.baseUrl, s.providers[1].key)('GET', '/v1/claims')).status).toBe(401);
    expect((await client(stack.baseUrl, rotated.body.current.apiKey)('GET', '/v1/claims')).status).toBe(200);
  });
});

describe('per-organization rate limiting', () => {
  let stack: Stack;
  let s: Scenario;

  beforeAll(async () => {
    stack = await startStack({ RATE_LIMIT_PER_MINUTE: '20' });
    s = await buildScenario(stack.baseUrl, `rl${Date.now().toString(36)}`);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 with Retry-After to the organization over its limit, and not to other organizations', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 30; i++) {
      const r = await fetch(`${stack.baseUrl}/v1/ledger/head`, {
        headers: { authorization: `Bearer ${s.funder.key}` },
      });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
      else await r.text();
    }
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(0);
    expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await limited!.json()) as { type: string }).type).toBe('urn:claimtrail:problem:rate-limited');
    const other = await fetch(`${stack.baseUrl}/v1/ledger/head`, {
      headers: { authorization: `Bearer ${s.payer.key}` },
    });
    expect(other.status).toBe(200);
  });
});
