import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { holdLedgerRelay } from '../support/relay-hold';
import { buildScenario, type Scenario } from '../support/scenario';
import { apiClient, expectStatus } from '../support/api-client';
import { eventually, startStack, type Stack } from '../support/stack';

/** Paying on the ledger's figures: refusals that write nothing, and payment references as idempotency keys. */
describe('payments on ledger figures', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  let fundId: string;
  const tag = `pay${Date.now().toString(36)}`;
  let seq = 0;

  const asPayer = () => apiClient(stack.baseUrl, s.payer.key);
  const pay = (claimId: string, body: { paymentRef?: string } = {}) =>
    asPayer().POST('/v1/claims/{id}/payments', { params: { path: { id: claimId } }, body });

  async function submit(): Promise<string> {
    const r = await apiClient(stack.baseUrl, s.providers[0].key).POST('/v1/claims', {
      body: {
        externalRef: `${tag}-${++seq}`,
        payerId: s.payer.id,
        memberNumber: s.members.active,
        serviceDate: `2026-03-${String(1 + (seq % 28)).padStart(2, '0')}`,
        currency: 'KES',
        diagnoses: ['J06.9'],
        lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
      },
    });
    return expectStatus(r, 202).id;
  }

  const view = async (id: string) =>
    expectStatus(await asPayer().GET('/v1/claims/{id}', { params: { path: { id } } }), 200);
  const untilApproved = (id: string) =>
    eventually(async () => ((await view(id)).status === 'approved' ? true : undefined), 30_000, 'decided');
  const untilOnLedger = (id: string) =>
    eventually(async () => ((await view(id)).ledger ? true : undefined), 30_000, 'decision on the ledger');
  const decided = async () => {
    const id = await submit();
    await untilOnLedger(id);
    return id;
  };
  const written = async (claimId: string) =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM payments WHERE claim_id = $1)::int AS payments,
                (SELECT count(*) FROM ledger_outbox WHERE claim_id = $1 AND kind = 'payment')::int AS outbox,
                (SELECT allocated FROM funds WHERE id = $2)::bigint AS allocated`,
        [claimId, fundId],
      )
    )[0];

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
    s = await buildScenario(stack.baseUrl, tag);
    const fund = await apiClient(stack.baseUrl, s.funder.key).POST('/v1/funds', {
      body: {
        name: 'Outpatient support',
        currency: 'KES',
        budget: 50_000_000,
        period: { start: '2026-01-01', end: '2026-12-31' },
        earmarks: { payerIds: [s.payer.id] },
      },
    });
    fundId = expectStatus(fund, 201).id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('refuses to pay a decision the ledger has not recorded yet, with Retry-After, then pays it once recorded', async () => {
    const release = await holdLedgerRelay(db);
    let id: string;
    try {
      id = await submit();
      await untilApproved(id);
      const early = await pay(id);
      expect(early.response.status).toBe(409);
      expect(early.response.headers.get('retry-after')).toBe('2');
      expect(early.error).toMatchObject({
        type: 'urn:claimtrail:problem:decision-not-on-ledger',
        detail: expect.stringContaining('not on the ledger yet'),
        errors: [{ field: 'claimId' }],
      });
      expect(await written(id)).toMatchObject({ payments: 0, outbox: 0 });
    } finally {
      await release();
    }
    await untilOnLedger(id);
    const paid = await pay(id);
    expect(paid.response.status).toBe(201);
    expect(paid.data).toMatchObject({ status: 'paid', amount: 150000, attempt: 1 });
  });

  it('refuses, writing nothing, a decision whose amounts were raised in PostgreSQL only', async () => {
    const id = await decided();
    const before = await written(id);
    await db.query(
      `UPDATE claim_decisions
          SET total_approved = total_approved + 850000, total_eligible = total_eligible + 850000,
              lines = jsonb_set(lines, '{0,approved}', to_jsonb((lines -> 0 ->> 'approved')::bigint + 850000))
        WHERE claim_id = $1`,
      [id],
    );
    const r = await pay(id);
    expect(r.response.status).toBe(409);
    expect(r.error?.type).toBe('urn:claimtrail:problem:ledger-mismatch');
    expect(r.error?.errors).toEqual(
      expect.arrayContaining([
        { field: 'decision.totals.approved', rule: "must equal the ledger's 150000" },
        { field: 'decision.totals.eligible', rule: "must equal the ledger's 150000" },
        { field: 'decision.lines.0.approved', rule: "must equal the ledger's 150000" },
      ]),
    );
    expect(await written(id)).toEqual(before);
    expect((await view(id)).status).toBe('approved');
  });

  it('refuses to pay nothing with 422 nothing_to_pay', async () => {
    // A claim decided before all-zero decisions were rejected: approved, with nothing approved.
    const id = await decided();
    await db.query(`UPDATE claim_decisions SET total_approved = 0 WHERE claim_id = $1`, [id]);
    const r = await pay(id);
    expect(r.response.status).toBe(422);
    expect(r.error).toMatchObject({
      type: 'urn:claimtrail:problem:nothing-to-pay',
      errors: [{ field: 'decision.totals.approved', rule: 'must be above 0 to pay' }],
    });
    expect((await written(id)).payments).toBe(0);
  });

  it('replays a repeated payment reference for the same claim and refuses it for another', async () => {
    const [a, b, c, d] = [await decided(), await decided(), await decided(), await decided()];
    const first = await pay(a, { paymentRef: `${tag}-A` });
    expect(first.response.status).toBe(201);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(first.data).toMatchObject({ claimId: a, paymentRef: `${tag}-A`, attempt: 1 });
    const allocatedOnce = (await written(a)).allocated;

    const again = await pay(a, { paymentRef: `${tag}-A` });
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data).toEqual(first.data);
    expect(await written(a)).toMatchObject({ payments: 1, outbox: 1, allocated: allocatedOnce });

    const reused = await pay(b, { paymentRef: `${tag}-A` });
    expect(reused.response.status).toBe(409);
    expect(reused.error).toMatchObject({
      type: 'urn:claimtrail:problem:payment-ref-conflict',
      errors: [{ field: 'paymentRef', rule: expect.stringContaining(a) }],
    });
    expect((await written(b)).payments).toBe(0);

    const batch = await asPayer().POST('/v1/payments/batch', {
      body: {
        payments: [
          { claimId: a, paymentRef: `${tag}-A` },
          { claimId: c, paymentRef: `${tag}-A` },
          { claimId: d, paymentRef: `${tag}-D` },
        ],
      },
    });
    expect(expectStatus(batch, 201).results).toEqual([
      { ok: true, ...first.data, replayed: true },
      { ok: false, claimId: c, error: { code: 'payment_ref_conflict', message: expect.any(String) } },
      expect.objectContaining({ ok: true, claimId: d, paymentRef: `${tag}-D`, replayed: false }),
    ]);
    const replayedBatch = await asPayer().POST('/v1/payments/batch', {
      body: { payments: [{ claimId: d, paymentRef: `${tag}-D` }] },
    });
    expect(expectStatus(replayedBatch, 201).results[0]).toMatchObject({
      ok: true,
      claimId: d,
      replayed: true,
    });
    expect((await written(d)).payments).toBe(1);
  });
});
