import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { holdLedgerRelay } from '../support/relay-hold';
import { buildScenario, type Scenario } from '../support/scenario';
import { client, eventually, startStack, type Stack } from '../support/stack';

/** Paying on the ledger's figures: refusals that write nothing, and payment references as idempotency keys. */
describe('payments on ledger figures', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  let fundId: string;
  const tag = `pay${Date.now().toString(36)}`;
  let seq = 0;

  const asPayer = () => client(stack.baseUrl, s.payer.key);
  const pay = (claimId: string, body: Record<string, unknown> = {}) =>
    asPayer()('POST', `/v1/claims/${claimId}/payments`, body);

  async function submit(): Promise<string> {
    const r = await client(stack.baseUrl, s.providers[0].key)('POST', '/v1/claims', {
      externalRef: `${tag}-${++seq}`,
      payerId: s.payer.id,
      memberNumber: s.members.active,
      serviceDate: `2026-03-${String(1 + (seq % 28)).padStart(2, '0')}`,
      currency: 'KES',
      diagnoses: ['J06.9'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });
    expect(r.status).toBe(202);
    return r.body.id as string;
  }

  const view = async (id: string) => (await asPayer()('GET', `/v1/claims/${id}`)).body;
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
    const fund = await client(stack.baseUrl, s.funder.key)('POST', '/v1/funds', {
      name: 'Outpatient support',
      currency: 'KES',
      budget: 50_000_000,
      period: { start: '2026-01-01', end: '2026-12-31' },
      earmarks: { payerIds: [s.payer.id] },
    });
    fundId = fund.body.id;
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
      expect(early.status).toBe(409);
      expect(early.headers.get('retry-after')).toBe('2');
      expect(early.body).toMatchObject({
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
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ status: 'paid', amount: 150000, attempt: 1 });
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
    expect(r.status).toBe(409);
    expect(r.body.type).toBe('urn:claimtrail:problem:ledger-mismatch');
    expect(r.body.errors).toEqual(
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
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      type: 'urn:claimtrail:problem:nothing-to-pay',
      errors: [{ field: 'decision.totals.approved', rule: 'must be above 0 to pay' }],
    });
    expect((await written(id)).payments).toBe(0);
  });

  it('replays a repeated payment reference for the same claim and refuses it for another', async () => {
    const [a, b, c, d] = [await decided(), await decided(), await decided(), await decided()];
    const first = await pay(a, { paymentRef: `${tag}-A` });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body).toMatchObject({ claimId: a, paymentRef: `${tag}-A`, attempt: 1 });
    const allocatedOnce = (await written(a)).allocated;

    const again = await pay(a, { paymentRef: `${tag}-A` });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await written(a)).toMatchObject({ payments: 1, outbox: 1, allocated: allocatedOnce });

    const reused = await pay(b, { paymentRef: `${tag}-A` });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({
      type: 'urn:claimtrail:problem:payment-ref-conflict',
      errors: [{ field: 'paymentRef', rule: expect.stringContaining(a) }],
    });
    expect((await written(b)).payments).toBe(0);

    const batch = await asPayer()('POST', '/v1/payments/batch', {
      payments: [
        { claimId: a, paymentRef: `${tag}-A` },
        { claimId: c, paymentRef: `${tag}-A` },
        { claimId: d, paymentRef: `${tag}-D` },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.results).toEqual([
      { ok: true, ...first.body, replayed: true },
      { ok: false, claimId: c, error: { code: 'payment_ref_conflict', message: expect.any(String) } },
      expect.objectContaining({ ok: true, claimId: d, paymentRef: `${tag}-D`, replayed: false }),
    ]);
    const replayedBatch = await asPayer()('POST', '/v1/payments/batch', {
      payments: [{ claimId: d, paymentRef: `${tag}-D` }],
    });
    expect(replayedBatch.body.results[0]).toMatchObject({ ok: true, claimId: d, replayed: true });
    expect((await written(d)).payments).toBe(1);
  });
});
