import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimKey } from '@claimtrail/chaincode/claim-keys';
import { LEDGER, verifyProofBundle, type LedgerPort } from '@claimtrail/ledger';
import { createCompositeKey } from '@claimtrail/ledger/chain/composite-key';
import { fetchTrust } from '../support/trust';
import { runCli } from '../support/cli';
import { buildScenario, type Scenario } from '../support/scenario';
import { apiClient, expectStatus, type RequestBody } from '../support/api-client';
import { eventually, startStack, type Stack } from '../support/stack';

/** Donor funds end to end: claims decided, paid, allocated to funds, reported, and audited from the ledger. */
describe('funds, payments and the donor audit', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  const tag = `fund${Date.now().toString(36)}`;
  const funds: { id: string; name: string }[] = [];
  const claimIds: string[] = [];

  const audit = (fundId: string, apiKey: string) =>
    runCli(['audit', fundId, '--api-url', stack.baseUrl, '--api-key', apiKey]);

  async function decideAll(ids: string[]) {
    await eventually(
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM claims c JOIN ledger_outbox o ON o.claim_id = c.id AND o.kind = 'decision'
            WHERE c.id = ANY($1) AND o.committed_at IS NOT NULL`,
          [ids],
        );
        return n === ids.length ? true : undefined;
      },
      120_000,
      `${ids.length} claims decided and on the ledger`,
    );
  }

  async function paymentsOnLedger(ids: string[]) {
    await eventually(
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM ledger_outbox WHERE kind = 'payment' AND claim_id = ANY($1) AND committed_at IS NOT NULL`,
          [ids],
        );
        return n === ids.length ? true : undefined;
      },
      120_000,
      `${ids.length} payments on the ledger`,
    );
  }

  beforeAll(async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '16' });
    db = stack.api.get<DataSource>(getDataSourceToken());
    s = await buildScenario(stack.baseUrl, tag);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lets a funder create three funds with overlapping earmarks, on the ledger', async () => {
    const asFunder = apiClient(stack.baseUrl, s.funder.key);
    const period = { start: '2026-01-01', end: '2026-12-31' };
    const specs: { name: string; budget: number; earmarks: RequestBody<'/v1/funds', 'post'>['earmarks'] }[] =
      [
        {
          name: 'Kibera maternal and outpatient',
          budget: 20_000_000,
          earmarks: { providerIds: [s.providers[0].id], categories: ['outpatient', 'pharmacy'] },
        },
        {
          name: 'Jamii scheme top-up fund',
          budget: 30_000_000,
          earmarks: { payerIds: [s.payer.id], planIds: [s.planId] },
        },
        { name: 'Malaria diagnostics', budget: 5_000_000, earmarks: { categories: ['laboratory'] } },
      ];
    for (const spec of specs) {
      // The budget caps the deposits: part of it now, the rest as a top-up.
      const r = await asFunder.POST('/v1/funds', {
        body: {
          ...spec,
          currency: 'KES',
          period,
          deposit: spec.budget - 1_000_000,
        },
      });
      const created = expectStatus(r, 201);
      expect(created).toMatchObject({ budget: spec.budget, total: spec.budget - 1_000_000 });
      const topped = await asFunder.POST('/v1/funds/{id}/top-ups', {
        params: { path: { id: created.id } },
        body: { amount: 1_000_000 },
      });
      expect(expectStatus(topped, 201)).toMatchObject({
        budget: spec.budget,
        total: spec.budget,
        allocated: 0,
        remaining: spec.budget,
      });
      funds.push({ id: created.id, name: spec.name });
    }
    const ledger = stack.api.get<LedgerPort>(LEDGER);
    for (const [i, f] of funds.entries())
      expect(await ledger.getFund(f.id)).toMatchObject({
        fundId: f.id,
        budget: specs[i].budget,
        total: specs[i].budget,
        allocated: 0,
      });
  });

  it('refuses a top-up beyond the budget, naming the amount and the figures, and changes nothing', async () => {
    const asFunder = apiClient(stack.baseUrl, s.funder.key);
    const over = await asFunder.POST('/v1/funds/{id}/top-ups', {
      params: { path: { id: funds[2].id } },
      body: { amount: 10_000_000 },
    });
    expect(over.response.status).toBe(422);
    expect(over.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(over.error).toMatchObject({
      type: 'urn:claimtrail:problem:budget-exceeded',
      errors: [
        {
          field: 'amount',
          rule: 'must keep deposits within the budget 5000000: 5000000 deposited so far, at most 0 more',
        },
      ],
    });
    const tooMuch = await asFunder.POST('/v1/funds', {
      body: {
        name: 'Deposit above budget',
        currency: 'KES',
        budget: 100_000,
        deposit: 100_001,
        period: { start: '2026-01-01', end: '2026-12-31' },
      },
    });
    expect(tooMuch.response.status).toBe(422);
    expect(tooMuch.error).toMatchObject({ errors: [{ field: 'deposit' }] });
    const fund = await asFunder.GET('/v1/funds/{id}', { params: { path: { id: funds[2].id } } });
    expect(expectStatus(fund, 200)).toMatchObject({ total: 5_000_000 });
    expect(await stack.api.get<LedgerPort>(LEDGER).getFund(funds[2].id)).toMatchObject({ total: 5_000_000 });
  });

  it('pays 1,000 claims, each allocated by the rule and recorded by the chaincode', async () => {
    const members = Array.from({ length: 20 }, (_, i) => `${tag}-m${i}`);
    const enrol = await apiClient(stack.baseUrl, s.payer.key).POST('/v1/members', {
      body: {
        members: members.map((memberNumber) => ({
          memberNumber,
          planId: s.planId,
          fullName: 'Neema Wambui',
          birthDate: '1992-07-07',
          sex: 'F' as const,
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        })),
      },
    });
    expect(enrol.response.status).toBe(201);
    for (let batch = 0; batch < 1000; batch += 50) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const i = batch + j;
          const day = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 20) * 86_400_000)
            .toISOString()
            .slice(0, 10);
          return apiClient(stack.baseUrl, s.providers[i % 2].key).POST('/v1/claims', {
            body: {
              externalRef: `${tag}-${i}`,
              payerId: s.payer.id,
              memberNumber: members[i % 20],
              serviceDate: day,
              currency: 'KES',
              diagnoses: ['B54'],
              lines: [
                { serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 },
                { serviceCode: 'LAB-MRDT', quantity: 1, unitPrice: 30000 },
                { serviceCode: 'DRUG-AL', quantity: 1, unitPrice: 45000 },
              ],
            },
          });
        }),
      );
      for (const r of results) claimIds.push(expectStatus(r, 202).id);
    }
    await decideAll(claimIds);
    const asPayer = apiClient(stack.baseUrl, s.payer.key);
    for (let i = 0; i < claimIds.length; i += 500) {
      const r = await asPayer.POST('/v1/payments/batch', {
        body: { payments: claimIds.slice(i, i + 500).map((claimId) => ({ claimId })) },
      });
      expect(expectStatus(r, 201).results.filter((x) => !x.ok)).toEqual([]);
    }
    await paymentsOnLedger(claimIds);
    const [{ paid }] = await db.query(
      `SELECT count(*)::int AS paid FROM claims WHERE id = ANY($1) AND status = 'paid'`,
      [claimIds],
    );
    expect(paid).toBe(1000);
    // The same request again (the default reference) is answered with the same payment.
    const payFirst = (body: { paymentRef?: string }) =>
      asPayer.POST('/v1/claims/{id}/payments', { params: { path: { id: claimIds[0] } }, body });
    const first = await payFirst({});
    expect(first.response.status).toBe(201);
    expect(first.response.headers.get('idempotent-replayed')).toBe('true');
    expect(first.data).toMatchObject({ claimId: claimIds[0], status: 'paid', attempt: 1 });
    const again = await payFirst({ paymentRef: 'OTHER-1' });
    expect(again.response.status).toBe(409);
    expect(again.error?.type).toBe('urn:claimtrail:problem:invalid-state');
  });

  it('reports every fund exactly as the ledger does, to the minor unit, and never below zero', async () => {
    const ledger = stack.api.get<LedgerPort>(LEDGER);
    const asFunder = apiClient(stack.baseUrl, s.funder.key);
    const reportOf = async (id: string) =>
      expectStatus(await asFunder.GET('/v1/funds/{id}/report', { params: { path: { id } } }), 200);
    let funded = 0;
    for (const f of funds) {
      const report = await reportOf(f.id);
      const onLedger = (await ledger.getFund(f.id))!;
      expect(report.allocated).toBe(onLedger.allocated);
      expect(report.total).toBe(onLedger.total);
      expect(report.remaining).toBeGreaterThanOrEqual(0);
      expect(onLedger.total - onLedger.allocated).toBeGreaterThanOrEqual(0);
      expect(report.byCategory.reduce((sum, c) => sum + c.amount, 0)).toBe(report.allocated);
      expect(report.byProvider.reduce((sum, c) => sum + c.amount, 0)).toBe(report.allocated);
      expect(report.byMonth.reduce((sum, c) => sum + c.amount, 0)).toBe(report.allocated);
      const csv = await fetch(`${stack.baseUrl}/v1/funds/${f.id}/report?format=csv`, {
        headers: { authorization: `Bearer ${s.funder.key}` },
      });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect((await csv.text()).trim().split('\n')).toHaveLength(report.entries.length + 1);
      const result = await audit(f.id, s.funder.key);
      expect(result.stdout).toContain(`LEDGER CHECK: ${report.claims} claims`);
      expect(result.stdout).toContain('CLEAN');
      expect(result.status).toBe(0);
      funded += report.allocated;
    }
    // The laboratory-only fund pays every malaria test; the provider fund only Kibera's lines.
    expect(funded).toBeGreaterThan(0);
    const lab = await reportOf(funds[2].id);
    expect(lab.byCategory.map((c) => c.key)).toEqual(['laboratory']);
    const kibera = await reportOf(funds[0].id);
    expect(kibera.byProvider.map((c) => c.key)).toEqual([s.providers[0].id]);
  });

  it('proves a payment and its fund allocations offline', async () => {
    const proof = await apiClient(stack.baseUrl, s.funder.key).GET('/v1/ledger/claims/{id}/proof', {
      params: { path: { id: claimIds[3] }, query: { record: 'payment' } },
    });
    const bundle = expectStatus(proof, 200);
    expect(bundle).toMatchObject({
      kind: 'payment',
      record: { claimId: claimIds[3], allocations: expect.any(Array) },
    });
    const dir = mkdtempSync(join(tmpdir(), 'claimtrail-payment-'));
    const { trust, path: trustPath } = await fetchTrust(stack.baseUrl, dir);
    expect(verifyProofBundle(bundle, trust)).toEqual({ ok: true });
    writeFileSync(join(dir, 'payment.json'), JSON.stringify(bundle));
    expect((await runCli(['verify', join(dir, 'payment.json'), '--trust', trustPath])).status).toBe(0);
  });

  it('names exactly the claim whose payment was altered in the database', async () => {
    const [victim] = await db.query(
      `SELECT claim_id, fund_id FROM payment_allocations WHERE fund_id = $1 AND released_at IS NULL
        ORDER BY claim_id LIMIT 1 OFFSET 7`,
      [funds[1].id],
    );
    await db.query(
      `UPDATE payment_allocations SET amount = amount + 500 WHERE claim_id = $1 AND fund_id = $2`,
      [victim.claim_id, victim.fund_id],
    );
    const result = await audit(victim.fund_id, s.funder.key);
    expect(result.status).toBe(1);
    const mismatches = result.stdout.split('\n').filter((l) => l.startsWith('MISMATCH: claim'));
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]).toContain(victim.claim_id);
    await db.query(
      `UPDATE payment_allocations SET amount = amount - 500 WHERE claim_id = $1 AND fund_id = $2`,
      [victim.claim_id, victim.fund_id],
    );
  });

  it('never overspends a nearly empty fund under concurrent payments', async () => {
    const t = `${tag}x`;
    const other = await buildScenario(stack.baseUrl, t);
    const asFunder = apiClient(stack.baseUrl, other.funder.key);
    const small = expectStatus(
      await asFunder.POST('/v1/funds', {
        body: {
          name: 'Nearly empty',
          currency: 'KES',
          budget: 400_000,
          period: { start: '2026-01-01', end: '2026-12-31' },
          earmarks: { payerIds: [other.payer.id] },
        },
      }),
      201,
    );
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await apiClient(stack.baseUrl, other.providers[0].key).POST('/v1/claims', {
        body: {
          externalRef: `${t}-${i}`,
          payerId: other.payer.id,
          memberNumber: other.members.active,
          serviceDate: new Date(Date.UTC(2026, 4, 1) + i * 86_400_000).toISOString().slice(0, 10),
          currency: 'KES',
          diagnoses: ['J06.9'],
          lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
        },
      });
      ids.push(expectStatus(r, 202).id);
    }
    await decideAll(ids);
    const asPayer = apiClient(stack.baseUrl, other.payer.key);
    const results = await Promise.all(
      ids.map((id) => asPayer.POST('/v1/claims/{id}/payments', { params: { path: { id } }, body: {} })),
    );
    expect(results.map((r) => r.response.status)).toEqual(Array(20).fill(201));
    await paymentsOnLedger(ids);
    const onLedger = (await stack.api.get<LedgerPort>(LEDGER).getFund(small.id))!;
    expect(onLedger.allocated).toBe(400_000);
    expect(onLedger.total - onLedger.allocated).toBe(0);
    const [{ sum }] = await db.query(
      `SELECT coalesce(sum(amount), 0)::bigint AS sum FROM payment_allocations WHERE fund_id = $1`,
      [small.id],
    );
    expect(Number(sum)).toBe(400_000);
    const [{ rejected }] = await db.query(
      `SELECT count(*)::int AS rejected FROM ledger_outbox WHERE claim_id = ANY($1) AND outcome = 'rejected'`,
      [ids],
    );
    expect(rejected).toBe(0);
  });

  // Only the embedded ledger's store can be edited from here; Fabric's world state sits in its peers,
  // so on Fabric the suite has no such case.
  const onEmbedded = process.env.LEDGER === 'fabric' ? () => undefined : it;
  onEmbedded('names a claim whose ledger decision approves less than its payment took', async () => {
    const [victim] = await db.query(
      `SELECT pa.claim_id FROM payment_allocations pa WHERE pa.fund_id = $1 AND pa.released_at IS NULL
        ORDER BY pa.claim_id LIMIT 1 OFFSET 11`,
      [funds[2].id],
    );
    const key = Buffer.from(claimKey({ stub: { createCompositeKey } }, victim.claim_id, 1), 'utf8');
    const [{ value: original }] = await db.query(`SELECT value FROM ledger_state WHERE key = $1`, [key]);
    await db.query(
      `UPDATE ledger_state
          SET value = convert_to(jsonb_set(convert_from(value, 'UTF8')::jsonb, '{totals,approved}', '1')::text, 'UTF8')
        WHERE key = $1`,
      [key],
    );
    const result = await audit(funds[2].id, s.funder.key);
    expect(result.status).toBe(1);
    const failed = result.stdout.split('\n').filter((l) => l.startsWith('LEDGER MISMATCH: claim'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain(victim.claim_id);
    expect(result.stdout).not.toContain('CLEAN');
    // Put the row back, so suites sharing the database find an intact ledger.
    await db.query(`UPDATE ledger_state SET value = $2 WHERE key = $1`, [key, original]);
  });
});
