import { randomBytes } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { freePort } from '../../../apps/cli/src/app-process';
import { runCli } from '../../support/cli';
import { buildScenario, type Scenario } from '../../support/scenario';
import { client, startStack, type Stack } from '../../support/stack';

// Rate-limit counters live in Redis under the queue prefix: each stack of this file gets its own,
// so counts from one test (or another suite on the same address) never reach another.
const ownPrefix = (name: string) => `${process.env.QUEUE_PREFIX}_${name}_${randomBytes(3).toString('hex')}`;
const randomKey = () => `ct_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;

async function keysOf(baseUrl: string, adminKey: string, orgId: string) {
  const r = await client(baseUrl, adminKey)('GET', `/v1/organizations/${orgId}/keys`);
  expect(r.status).toBe(200);
  return r.body as {
    id: string;
    label: string;
    scopes: string[];
    issuedBy: { organizationId: string | null; keyId: string | null };
    revokedBy: { organizationId: string | null; keyId: string | null } | null;
    revokedAt: string | null;
  }[];
}

describe('API keys: issuing, revoking, rotating and scopes', () => {
  let stack: Stack;
  let s: Scenario;
  let operator: { id: string; keyId: string };
  const tag = `keys${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack({ QUEUE_PREFIX: ownPrefix('keys') });
    s = await buildScenario(stack.baseUrl, tag);
    const db = stack.api.get<DataSource>(getDataSourceToken());
    const [row] = (await db.query(`SELECT id, organization_id AS org FROM api_keys WHERE prefix = $1`, [
      s.operatorKey.split('_')[1],
    ])) as { id: string; org: string }[];
    operator = { id: row.org, keyId: row.id };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('H3: the operator can no longer issue or rotate keys of an existing organization', async () => {
    const asOperator = client(stack.baseUrl, s.operatorKey);
    const issued = await asOperator('POST', `/v1/organizations/${s.payer.id}/keys`, { label: 'takeover' });
    expect(issued.status).toBe(403);
    expect(issued.body.apiKey).toBeUndefined();
    const [first] = await keysOf(stack.baseUrl, s.payer.key, s.payer.id);
    const rotated = await asOperator('POST', `/v1/organizations/${s.payer.id}/keys/${first.id}/rotate`, {
      graceSeconds: 0,
    });
    expect(rotated.status).toBe(403);
    expect(rotated.body.current).toBeUndefined();
    // In its own organization, its admin key issues keys as any organization's admin key does.
    const own = await asOperator('POST', `/v1/organizations/${operator.id}/keys`, { label: 'x' });
    expect(own.status).toBe(201);
    // The payer's key still works: nothing was rotated away from it.
    expect((await client(stack.baseUrl, s.payer.key)('GET', '/v1/claims')).status).toBe(200);
  });

  it('H3: the operator still creates an organization with its first key, and revokes keys', async () => {
    const made = await client(stack.baseUrl, s.operatorKey)('POST', '/v1/organizations', {
      kind: 'provider',
      name: `Clinic ${tag}`,
    });
    expect(made.status).toBe(201);
    const extra = await client(stack.baseUrl, made.body.apiKey)(
      'POST',
      `/v1/organizations/${made.body.id}/keys`,
      {
        label: 'front desk',
      },
    );
    expect(extra.status).toBe(201);
    const revoked = await client(stack.baseUrl, s.operatorKey)(
      'POST',
      `/v1/organizations/${made.body.id}/keys/${extra.body.id}/revoke`,
    );
    expect(revoked.status).toBe(200);
    expect((await client(stack.baseUrl, extra.body.apiKey)('GET', '/v1/claims')).status).toBe(401);
  });

  it("H3: every key records who issued it and who revoked it, for the organization's admin", async () => {
    const admin = client(stack.baseUrl, s.providers[0].key);
    const before = await keysOf(stack.baseUrl, s.providers[0].key, s.providers[0].id);
    const first = before.find((k) => k.label === 'default')!;
    // The first key was issued by the operator's key that created the organization.
    expect(first.issuedBy).toEqual({ organizationId: operator.id, keyId: operator.keyId });
    expect(first.revokedBy).toBeNull();
    const extra = await admin('POST', `/v1/organizations/${s.providers[0].id}/keys`, { label: 'billing' });
    expect(extra.status).toBe(201);
    expect(extra.body.issuedBy).toEqual({ organizationId: s.providers[0].id, keyId: first.id });
    await client(stack.baseUrl, s.operatorKey)(
      'POST',
      `/v1/organizations/${s.providers[0].id}/keys/${extra.body.id}/revoke`,
    );
    const after = await keysOf(stack.baseUrl, s.providers[0].key, s.providers[0].id);
    expect(after.find((k) => k.id === extra.body.id)).toMatchObject({
      issuedBy: { organizationId: s.providers[0].id, keyId: first.id },
      revokedBy: { organizationId: operator.id, keyId: operator.keyId },
      revokedAt: expect.any(String),
    });
  });

  it("M5: the first key of an organization is admin-scoped; a key issued without scopes gets its kind's defaults", async () => {
    const [first] = await keysOf(stack.baseUrl, s.funder.key, s.funder.id);
    expect(first.scopes).toContain('admin');
    const issued = await client(stack.baseUrl, s.payer.key)('POST', `/v1/organizations/${s.payer.id}/keys`, {
      label: 'claims system',
    });
    expect(issued.status).toBe(201);
    expect(issued.body.scopes).toEqual([
      'claims:read',
      'claims:write',
      'payments:write',
      'plans:read',
      'plans:write',
    ]);
  });

  it('M5: only an admin-scoped key issues keys, revokes or rotates other keys', async () => {
    const org = s.providers[1];
    const machine = await client(stack.baseUrl, org.key)('POST', `/v1/organizations/${org.id}/keys`, {
      label: 'machine',
    });
    expect(machine.status).toBe(201);
    expect(machine.body.scopes).not.toContain('admin');
    const asMachine = client(stack.baseUrl, machine.body.apiKey);
    const [admin] = (await keysOf(stack.baseUrl, org.key, org.id)).filter((k) => k.scopes.includes('admin'));
    for (const [method, path, body] of [
      ['POST', `/v1/organizations/${org.id}/keys/${admin.id}/revoke`, undefined],
      ['POST', `/v1/organizations/${org.id}/keys/${admin.id}/rotate`, { graceSeconds: 0 }],
      ['POST', `/v1/organizations/${org.id}/keys`, { label: 'more' }],
      ['GET', `/v1/organizations/${org.id}/keys`, undefined],
    ] as const) {
      const r = await asMachine(method, path, body);
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
      expect(r.body.detail).toMatch(/admin/);
    }
    expect((await client(stack.baseUrl, org.key)('GET', '/v1/claims')).status).toBe(200);
    // A key may still rotate itself.
    const self = await asMachine('POST', `/v1/organizations/${org.id}/keys/${machine.body.id}/rotate`, {
      graceSeconds: 0,
    });
    expect(self.status).toBe(201);
    expect(self.body.current.scopes).toEqual(machine.body.scopes);
  });

  it('M5: a key in its rotation grace period cannot be rotated again', async () => {
    const org = s.outsider;
    const admin = client(stack.baseUrl, org.key);
    const [first] = await keysOf(stack.baseUrl, org.key, org.id);
    const rotated = await admin('POST', `/v1/organizations/${org.id}/keys/${first.id}/rotate`, {
      graceSeconds: 3600,
    });
    expect(rotated.status).toBe(201);
    const again = await admin('POST', `/v1/organizations/${org.id}/keys/${first.id}/rotate`, {
      graceSeconds: 3600,
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:claimtrail:problem:key-in-grace-period');
    expect(again.body.detail).toMatch(/grace period/);
    // The replacement is the key to rotate from now on.
    const next = client(stack.baseUrl, rotated.body.current.apiKey);
    const fromNew = await next('POST', `/v1/organizations/${org.id}/keys/${first.id}/rotate`, {
      graceSeconds: 0,
    });
    expect(fromNew.status).toBe(409);
  });

  it('M5: an organization cannot revoke its last admin key; once the operator has, the command line recovers one', async () => {
    const made = await client(stack.baseUrl, s.operatorKey)('POST', '/v1/organizations', {
      kind: 'funder',
      name: `Fund ${tag}`,
    });
    expect(made.status).toBe(201);
    const own = client(stack.baseUrl, made.body.apiKey);
    const [first] = await keysOf(stack.baseUrl, made.body.apiKey, made.body.id);
    const self = await own('POST', `/v1/organizations/${made.body.id}/keys/${first.id}/revoke`);
    expect(self.status).toBe(409);
    expect(self.body.type).toBe('urn:claimtrail:problem:last-admin-key');
    expect((await runCli(['org', 'keys', 'recover', '--org', made.body.id])).status).toBe(1);
    const byOperator = await client(stack.baseUrl, s.operatorKey)(
      'POST',
      `/v1/organizations/${made.body.id}/keys/${first.id}/revoke`,
    );
    expect(byOperator.status).toBe(200);
    expect((await own('GET', '/v1/funds')).status).toBe(401);
    const recovered = await runCli(['org', 'keys', 'recover', '--org', made.body.id]);
    expect(recovered.status).toBe(0);
    const key = JSON.parse(recovered.stdout) as { apiKey: string; scopes: string[]; issuedBy: unknown };
    expect(key.scopes).toContain('admin');
    expect(key.issuedBy).toEqual({ organizationId: null, keyId: null });
    expect((await client(stack.baseUrl, key.apiKey)('GET', '/v1/funds')).status).toBe(200);
  });

  it('M5: scopes limit what a key may do, and a kind cannot be given scopes it has no use for', async () => {
    const org = s.providers[0];
    const admin = client(stack.baseUrl, org.key);
    const reader = await admin('POST', `/v1/organizations/${org.id}/keys`, {
      label: 'dashboard',
      scopes: ['claims:read'],
    });
    expect(reader.status).toBe(201);
    const asReader = client(stack.baseUrl, reader.body.apiKey);
    expect((await asReader('GET', '/v1/claims')).status).toBe(200);
    const write = await asReader('POST', '/v1/claims', { externalRef: 'x' });
    expect(write.status).toBe(403);
    expect(write.body.detail).toMatch(/claims:write/);
    const wrong = await admin('POST', `/v1/organizations/${org.id}/keys`, {
      label: 'x',
      scopes: ['payments:write'],
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'scopes' })]);
  });
});

describe('rate limits, key caps and the operational endpoints', () => {
  const opsToken = randomBytes(32).toString('base64url');

  async function stackWith(env: Record<string, string>): Promise<{ stack: Stack; s: Scenario }> {
    const stack = await startStack({ QUEUE_PREFIX: ownPrefix('m3'), OPS_TOKEN: opsToken, ...env });
    const s = await buildScenario(stack.baseUrl, `m3${randomBytes(3).toString('hex')}`);
    return { stack, s };
  }

  it('M3: random key prefixes do not dodge the per-address limit', async () => {
    const { stack } = await stackWith({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 120; i++) {
        statuses.push((await client(stack.baseUrl, randomKey())('GET', '/v1/claims')).status);
      }
      expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(0);
    } finally {
      await stack.close();
    }
  });

  it("M3: a known key prefix with a wrong secret does not use up its organization's limit", async () => {
    const { stack, s } = await stackWith({ RATE_LIMIT_PER_MINUTE: '30' });
    try {
      const victimPrefix = s.funder.key.split('_')[1];
      for (let i = 0; i < 40; i++) {
        const forged = `ct_${victimPrefix}_${randomBytes(32).toString('base64url')}`;
        expect((await client(stack.baseUrl, forged)('GET', '/v1/ledger/head')).status).toBe(401);
      }
      expect((await client(stack.baseUrl, s.funder.key)('GET', '/v1/ledger/head')).status).toBe(200);
    } finally {
      await stack.close();
    }
  });

  it('M3: two API processes on the same Redis share one organization limit across its keys', async () => {
    const prefix = ownPrefix('shared');
    const env = { QUEUE_PREFIX: prefix, OPS_TOKEN: opsToken, RATE_LIMIT_PER_MINUTE: '40' };
    const a = await startStack(env);
    const b = await startStack(env);
    try {
      const s = await buildScenario(a.baseUrl, `sh${randomBytes(3).toString('hex')}`);
      const second = await client(a.baseUrl, s.payer.key)('POST', `/v1/organizations/${s.payer.id}/keys`, {
        label: 'second',
      });
      expect(second.status).toBe(201);
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        statuses.push((await client(a.baseUrl, s.payer.key)('GET', '/v1/claims')).status);
        statuses.push((await client(b.baseUrl, second.body.apiKey)('GET', '/v1/claims')).status);
      }
      expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(0);
      const limited = await fetch(`${b.baseUrl}/v1/claims`, {
        headers: { authorization: `Bearer ${s.payer.key}` },
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await limited.json()) as { type: string }).type).toBe('urn:claimtrail:problem:rate-limited');
      // Another organization has its own budget.
      expect((await client(b.baseUrl, s.providers[0].key)('GET', '/v1/claims')).status).toBe(200);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it("M3: behind a trusted proxy the limit applies to the client's address, and X-Forwarded-For is ignored otherwise", async () => {
    const trusted = await startStack({
      QUEUE_PREFIX: ownPrefix('proxy'),
      OPS_TOKEN: opsToken,
      TRUST_PROXY: '127.0.0.1/32',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10',
    });
    try {
      const from = (ip: string) =>
        client(trusted.baseUrl)('GET', '/v1/claims', undefined, { 'x-forwarded-for': ip });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await from('203.0.113.7')).status);
      expect(statuses.slice(0, 10).every((x) => x === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      expect((await from('203.0.113.8')).status).toBe(401);
    } finally {
      await trusted.close();
    }
    const direct = await startStack({
      QUEUE_PREFIX: ownPrefix('direct'),
      OPS_TOKEN: opsToken,
      TRUST_PROXY: '',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10',
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const ip = `203.0.113.${i + 1}`;
        statuses.push(
          (await client(direct.baseUrl)('GET', '/v1/claims', undefined, { 'x-forwarded-for': ip })).status,
        );
      }
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await direct.close();
    }
  });

  it('M3: an organization holds at most MAX_KEYS_PER_ORGANIZATION active keys (422 naming the rule)', async () => {
    const { stack, s } = await stackWith({ MAX_KEYS_PER_ORGANIZATION: '3' });
    try {
      const admin = client(stack.baseUrl, s.payer.key);
      const issue = () => admin('POST', `/v1/organizations/${s.payer.id}/keys`, { label: 'k' });
      expect((await issue()).status).toBe(201);
      const third = await issue();
      expect(third.status).toBe(201);
      const fourth = await issue();
      expect(fourth.status).toBe(422);
      expect(fourth.body.type).toBe('urn:claimtrail:problem:key-limit-reached');
      expect(fourth.body.errors).toEqual([
        { field: 'organization', rule: 'may hold at most 3 active API keys (MAX_KEYS_PER_ORGANIZATION)' },
      ]);
      // Revoking one makes room again.
      await admin('POST', `/v1/organizations/${s.payer.id}/keys/${third.body.id}/revoke`);
      expect((await issue()).status).toBe(201);
    } finally {
      await stack.close();
    }
  });

  it('M3: /health/ready and /metrics (API and worker) need the operations token and are rate limited; /health/live stays open', async () => {
    const workerPort = await freePort();
    const { stack, s } = await stackWith({
      OPS_RATE_LIMIT_PER_MINUTE: '10',
      WORKER_METRICS_PORT: String(workerPort),
    });
    try {
      const anon = client(stack.baseUrl);
      const ops = client(stack.baseUrl, opsToken);
      for (const path of ['/health/ready', '/metrics']) {
        expect((await anon('GET', path)).status).toBe(401);
        expect((await client(stack.baseUrl, s.operatorKey)('GET', path)).status).toBe(401);
      }
      expect((await ops('GET', '/health/ready')).status).toBe(200);
      expect((await ops('GET', '/metrics')).status).toBe(200);
      const more: number[] = [];
      for (let i = 0; i < 6; i++) more.push((await ops('GET', '/metrics')).status);
      expect(more).toContain(429);
      for (let i = 0; i < 20; i++) expect((await anon('GET', '/health/live')).status).toBe(200);
      const worker = `http://127.0.0.1:${workerPort}`;
      expect((await client(worker)('GET', '/metrics')).status).toBe(401);
      expect((await client(worker, s.operatorKey)('GET', '/metrics')).status).toBe(401);
      expect((await client(worker, opsToken)('GET', '/metrics')).status).toBe(200);
    } finally {
      await stack.close();
    }
  });
});
