import fc from 'fast-check';
import { workloadClaim, workloadRuleSet } from '../../tools/bench/workload';
import { client } from '../support/stack';
import { startRig, type Rig } from './support/fault-rig';
import { expectNothingLost } from './support/invariants';

/** Tables a write endpoint may add rows to; a refused request must leave every count as it was. */
const TABLES = [
  'organizations',
  'api_keys',
  'plans',
  'plan_versions',
  'members',
  'claims',
  'claim_events',
  'claim_decisions',
  'payments',
  'funds',
  'fund_top_ups',
];

/** Values that have broken parsers and validators elsewhere. */
const nasty = fc.oneof(
  fc.constantFrom(
    null,
    true,
    '',
    ' ',
    'null',
    -1,
    0,
    -0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    Number.MIN_VALUE,
    1.5,
    '9'.repeat(400),
    '\u0000',
    '\u202e\u200b',
    '😀'.repeat(1000),
    'x'.repeat(100_000),
    '../../etc/passwd',
    "' OR 1=1 --",
    '__proto__',
    { __proto__: { admin: true } },
    { constructor: { prototype: { polluted: true } } },
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
  fc.nat(3000).map((depth) => nest(depth)),
  fc.jsonValue({ maxDepth: 4 }),
);

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Sets `value` at a random path of a copy of `body` (or adds a key that should not be there). */
function mutate(body: unknown, pick: number[], value: unknown, extraKey: string | null): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node: any = copy;
  for (let depth = 0; depth < pick.length; depth++) {
    const keys = node && typeof node === 'object' ? Object.keys(node) : [];
    if (keys.length === 0) break;
    const key = keys[pick[depth] % keys.length];
    if (depth === pick.length - 1 || typeof node[key] !== 'object' || node[key] === null) {
      node[key] = value;
      break;
    }
    node = node[key];
  }
  if (extraKey !== null && node && typeof node === 'object') node[extraKey] = value;
  return copy;
}

/** A request body as raw text: JSON, JSON with a key given twice, or not JSON at all. */
const rawBody = (valid: unknown) =>
  fc.oneof(
    // The valid body itself, so that every endpoint's success path is taken as well.
    { weight: 1, arbitrary: fc.constant(JSON.stringify(valid)) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          nasty,
          fc.option(fc.constantFrom('extra', '__proto__', 'constructor', 'id', 'status')),
        )
        .map(([pick, value, extra]) => JSON.stringify(mutate(valid, pick, value, extra))),
    },
    {
      weight: 1,
      // A key given twice: the parser keeps one of them, never both, and never fails.
      arbitrary: nasty.map((v) => {
        const text = JSON.stringify(valid);
        const [first] = Object.keys(valid as object);
        return `${text.slice(0, -1)},${JSON.stringify(first)}:${JSON.stringify(v) ?? 'null'}}`;
      }),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constant(JSON.stringify(valid).slice(0, 20)),
      ),
    },
  );

/** Stands in a path for a key issued just for that request, so rotating or revoking it harms no other. */
const FRESH_KEY = '{fresh-key}';

/** Statuses that say the request never reached the endpoint's own checks. */
const TURNED_AWAY = new Set([401, 403, 404]);

/**
 * Fuzzing of every write endpoint: random JSON, wrong types, huge numbers, unicode, deep nesting,
 * duplicated keys and broken path ids never yield a 5xx, every refusal is problem+json, and a
 * refused request never leaves a row behind. Every endpoint must have been reached (answered
 * something other than 401, 403 or 404), and the claims the fuzzing got accepted go through the
 * pipeline like any other.
 */
describe('fault: fuzzed input on every write endpoint', () => {
  let rig: Rig;

  beforeAll(async () => {
    // Every rotation issues a replacement key, so the payer holds hundreds of keys by the end.
    rig = await startRig('fuzz', { members: 50, clinics: 3, env: { MAX_KEYS_PER_ORGANIZATION: '100000' } });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('never answers 5xx and never writes on a refusal', async () => {
    const w = rig.workload;
    const asOperator = client(rig.baseUrl, rig.operatorKey);
    const funderOrg = await asOperator('POST', '/v1/organizations', { kind: 'funder', name: 'Fuzz Fund' });
    const claim = workloadClaim(w, 0);
    const submitted = await client(rig.baseUrl, w.clinics[claim.clinic].key)(
      'POST',
      '/v1/claims',
      claim.body,
    );
    expect(submitted.status).toBe(202);
    const claimId = submitted.body.id as string;
    // Once that claim is decided the worker stops, so every row change below is the API's doing.
    for (let i = 0; i < 100; i++) {
      const [{ status }] = await rig.db.query(`SELECT status FROM claims WHERE id = $1`, [claimId]);
      if (!['received', 'adjudicating'].includes(status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await rig.worker.stop('SIGTERM');
    const asPayer = client(rig.baseUrl, w.payer.key);
    const throwawayKey = async () => {
      const issued = await asPayer('POST', `/v1/organizations/${w.payer.id}/keys`, {
        label: 'fuzz throwaway',
      });
      expect(issued.status).toBe(201);
      return issued.body.id as string;
    };
    const fund = await client(rig.baseUrl, funderOrg.body.apiKey)('POST', '/v1/funds', {
      name: 'Fuzz maternity fund',
      currency: 'KES',
      // Room under the budget, so a valid top-up is accepted.
      budget: 1_000_000,
      deposit: 500_000,
      period: { start: w.today, end: w.today },
    });
    expect(fund.status).toBe(201);

    const endpoints: { path: string; key: string; valid: unknown }[] = [
      { path: '/v1/organizations', key: rig.operatorKey, valid: { kind: 'provider', name: 'Fuzz Clinic' } },
      // Keys are issued and rotated by the organization's own admin key; the operator only revokes.
      { path: `/v1/organizations/${w.payer.id}/keys`, key: w.payer.key, valid: { label: 'fuzz' } },
      // A key issued for each request is rotated or revoked, never the payer's own.
      { path: `/v1/organizations/${w.payer.id}/keys/{key}/rotate`, key: w.payer.key, valid: {} },
      { path: `/v1/organizations/${w.payer.id}/keys/{key}/revoke`, key: rig.operatorKey, valid: {} },
      {
        path: '/v1/plans',
        key: w.payer.key,
        valid: { name: 'Fuzz plan', ruleSet: workloadRuleSet([w.clinics[0].id], w.today) },
      },
      {
        path: `/v1/plans/${w.planId}/versions`,
        key: w.payer.key,
        valid: { ruleSet: workloadRuleSet([w.clinics[0].id], w.today) },
      },
      {
        path: '/v1/members',
        key: w.payer.key,
        valid: {
          members: [
            {
              memberNumber: 'FUZZ-1',
              planId: w.planId,
              fullName: 'Achieng Otieno',
              birthDate: '1991-02-03',
              sex: 'F',
              coverageStart: w.today,
              coverageEnd: w.today,
            },
          ],
        },
      },
      { path: '/v1/claims', key: w.clinics[0].key, valid: { ...claim.body, externalRef: 'fuzz-1' } },
      {
        path: '/v1/claims/batch',
        key: w.clinics[0].key,
        valid: { claims: [{ ...claim.body, externalRef: 'fuzz-2' }] },
      },
      { path: `/v1/claims/{id}/void`, key: w.clinics[claim.clinic].key, valid: {} },
      {
        path: `/v1/claims/{id}/review`,
        key: w.payer.key,
        valid: { action: 'reject', note: 'fuzz' },
      },
      { path: `/v1/claims/{id}/payments`, key: w.payer.key, valid: { paymentRef: 'FZ-1' } },
      {
        path: '/v1/payments/batch',
        key: w.payer.key,
        valid: { payments: [{ claimId, paymentRef: 'FZ-2' }] },
      },
      {
        path: '/v1/funds',
        key: funderOrg.body.apiKey,
        valid: { name: 'F', currency: 'KES', budget: 1, period: { start: w.today, end: w.today } },
      },
      { path: `/v1/funds/${fund.body.id}/top-ups`, key: funderOrg.body.apiKey, valid: { amount: 1 } },
    ];

    const counts = async () => {
      const rows: { t: string; n: number }[] = await rig.db.query(
        TABLES.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(' UNION ALL '),
      );
      return Object.fromEntries(rows.map((r) => [r.t, r.n]));
    };
    const pathId = fc.oneof(
      { weight: 3, arbitrary: fc.constant(claimId) },
      { weight: 1, arbitrary: fc.uuid() },
      {
        weight: 2,
        arbitrary: fc
          .oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc.constantFrom('..', '%00', '0', '-1', 'null'),
          )
          .map((s) => encodeURIComponent(s)),
      },
    );

    const keyPathId = fc.oneof(
      { weight: 3, arbitrary: fc.constant(FRESH_KEY) },
      { weight: 1, arbitrary: pathId },
    );

    const byEndpoint = new Map<string, Map<number, number>>();
    const fuzzedClaims = new Set<string>();
    for (const ep of endpoints) {
      const statuses = new Map<number, number>();
      byEndpoint.set(ep.path, statuses);
      await fc.assert(
        fc.asyncProperty(rawBody(ep.valid), pathId, keyPathId, async (body, id, keyId) => {
          const key = keyId === FRESH_KEY ? await throwawayKey() : keyId;
          const before = await counts();
          const path = ep.path.replace('{id}', id).replace('{key}', key);
          const res = await fetch(`${rig.baseUrl}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ep.key}` },
            body,
          });
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toContain('application/problem+json');
            const problem = JSON.parse(text) as { status: number; title: string };
            expect(problem.status).toBe(res.status);
            expect(await counts()).toEqual(before);
          } else if (ep.path.startsWith('/v1/claims') && !ep.path.includes('{id}')) {
            const answer = JSON.parse(text) as { id?: string; results?: { ok: boolean; id?: string }[] };
            if (answer.id) fuzzedClaims.add(answer.id);
            for (const r of answer.results ?? []) if (r.ok && r.id) fuzzedClaims.add(r.id);
          }
        }),
        { numRuns: 150 },
      );
    }

    const table = [...byEndpoint].map(([path, statuses]) => {
      const count = (test: (status: number) => boolean) =>
        [...statuses].reduce((n, [status, k]) => n + (test(status) ? k : 0), 0);
      return {
        endpoint: path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id'),
        requests: count(() => true),
        '2xx': count((st) => st < 300),
        'other 4xx': count((st) => st >= 400 && !TURNED_AWAY.has(st)),
        '401/403/404': count((st) => TURNED_AWAY.has(st)),
      };
    });
    console.table(table);
    // Each endpoint was reached: it did not answer every request as unauthorized or not found.
    const unreached = table.filter((row) => row.requests === row['401/403/404']).map((row) => row.endpoint);
    expect(unreached).toEqual([]);
    expect(table.reduce((n, row) => n + row['2xx'], 0)).toBeGreaterThan(0);
    expect(rig.api.running).toBe(true);

    // What the fuzzing got accepted is decided, recorded and proven like any other claim.
    await rig.worker.start();
    const requests = table.reduce((n, row) => n + row.requests, 0);
    await expectNothingLost(
      rig,
      `fuzz: ${requests} requests on ${endpoints.length} write endpoints, no 5xx; the claims it got accepted`,
      [...fuzzedClaims],
    );
  });
});
