import { randomBytes, randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { LEDGER, type DecisionRecord, type LedgerPort, type SigningIdentity } from '@claimtrail/ledger';
import { holdLedgerRelay } from '../support/relay-hold';
import { buildScenario, TARIFF, type Scenario } from '../support/scenario';
import { client, eventually, startStack, type Stack } from '../support/stack';

const hex = () => randomBytes(32).toString('hex');

/**
 * Refusals by the chaincode roll back visibly: a payment or a decision the ledger refuses shows on
 * the claim with its reason, gives the funds their money back, and can be retried. Every refusal
 * is caused through the LedgerPort (or the platform's own outbox), so the suite runs on Fabric too.
 */
describe('payments and decisions the ledger refuses', () => {
  let stack: Stack;
  let db: DataSource;
  let ledger: LedgerPort;
  let s: Scenario;
  let payerSigner: SigningIdentity;
  let reviewedPlanId: string;
  const tag = `lr${Date.now().toString(36)}`;
  let seq = 0;

  const asPayer = () => client(stack.baseUrl, s.payer.key);
  const view = async (id: string) => (await asPayer()('GET', `/v1/claims/${id}`)).body;
  const until = (id: string, what: string, test: (v: any) => boolean, timeoutMs = 60_000) =>
    eventually(
      async () => {
        const v = await view(id);
        return test(v) ? v : undefined;
      },
      timeoutMs,
      `claim ${id}: ${what}`,
    );

  async function fundInDatabase(fundId: string) {
    const [row] = await db.query(`SELECT total::int, allocated::int FROM funds WHERE id = $1`, [fundId]);
    return row as { total: number; allocated: number };
  }

  /**
   * The fund as the API shows it: PostgreSQL's figures while they agree with the ledger; here the
   * ledger also holds what another road spent, so once the reconciler has seen it, the ledger's
   * figures with `integrity: "mismatch"`. Either way, never an altered figure as the truth.
   */
  async function expectFundShownHonestly(fundId: string) {
    const shown = (await client(stack.baseUrl, s.funder.key)('GET', `/v1/funds/${fundId}`)).body;
    const [database, onLedger] = [await fundInDatabase(fundId), (await ledger.getFund(fundId))!];
    const figures = shown.integrity === 'mismatch' ? onLedger : database;
    expect(shown).toMatchObject({
      total: figures.total,
      allocated: figures.allocated,
      remaining: figures.total - figures.allocated,
    });
  }

  async function submit(memberNumber = s.members.active): Promise<string> {
    const r = await client(stack.baseUrl, s.providers[0].key)('POST', '/v1/claims', {
      externalRef: `${tag}-${++seq}`,
      payerId: s.payer.id,
      memberNumber,
      serviceDate: `2026-04-${String(1 + (seq % 28)).padStart(2, '0')}`,
      currency: 'KES',
      diagnoses: ['J06.9'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });
    expect(r.status).toBe(202);
    return r.body.id as string;
  }

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
    ledger = stack.api.get<LedgerPort>(LEDGER);
    s = await buildScenario(stack.baseUrl, tag);
    payerSigner = await stack.api.get(OrganizationsService).signingIdentity(s.payer.id);
    // A plan whose every claim is pended for review, so the review's revision is known in advance.
    const plan = await asPayer()('POST', '/v1/plans', {
      name: 'Jamii Reviewed',
      ruleSet: {
        currency: 'KES',
        coverage: { start: '2026-01-01', end: '2026-12-31' },
        contractedProviders: s.providers.map((p) => p.id),
        tariff: TARIFF,
        review: { threshold: 100_000 },
      },
    });
    reviewedPlanId = plan.body.id;
    const enrol = await asPayer()('POST', '/v1/members', {
      members: [
        {
          memberNumber: `R-${tag}`,
          planId: reviewedPlanId,
          fullName: 'Akinyi Achieng',
          birthDate: '1991-06-01',
          sex: 'F',
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        },
      ],
    });
    expect(enrol.status).toBe(201);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('shows a payment the chaincode refuses as payment_refused, gives the fund its money back, and pays on retry', async () => {
    const asFunder = client(stack.baseUrl, s.funder.key);
    const fund = await asFunder('POST', '/v1/funds', {
      name: 'Outpatient relief',
      currency: 'KES',
      budget: 1_000_000,
      deposit: 500_000,
      period: { start: '2026-01-01', end: '2026-12-31' },
      earmarks: { payerIds: [s.payer.id] },
    });
    expect(fund.status).toBe(201);
    const fundId = fund.body.id as string;

    // Another road to the ledger spends 400,000 of the fund there; PostgreSQL does not know.
    const elsewhere: DecisionRecord = {
      claimId: randomUUID(),
      revision: 1,
      payerId: s.payer.id,
      providerId: s.providers[1].id,
      planVersionId: randomUUID(),
      memberRef: hex(),
      claimCommitment: hex(),
      status: 'approved',
      currency: 'KES',
      totals: { claimed: 400_000, eligible: 400_000, coPayment: 0, deductible: 0, approved: 400_000 },
      lines: [
        {
          lineNo: 1,
          category: 'outpatient',
          claimed: 400_000,
          approved: 400_000,
          status: 'approved',
          reasonCodes: [],
        },
      ],
      ruleSetHash: hex(),
      reviewSeed: hex(),
      decidedAt: '2026-04-01T08:00:00.000Z',
      decidedBy: `payer:${s.payer.id}`,
    };
    await ledger.recordDecisions([elsewhere], payerSigner);
    await ledger.recordPayments(
      [
        {
          claimId: elsewhere.claimId,
          revision: 1,
          payerId: s.payer.id,
          providerId: elsewhere.providerId,
          planId: s.planId,
          currency: 'KES',
          amount: 400_000,
          serviceDate: '2026-04-01',
          paidAt: '2026-04-02T08:00:00.000Z',
          paymentRef: `${tag}-elsewhere`,
          allocations: [{ fundId, category: 'outpatient', amount: 400_000 }],
        },
      ],
      payerSigner,
    );
    expect(await ledger.getFund(fundId)).toMatchObject({ total: 500_000, allocated: 400_000 });

    const id = await submit();
    await until(id, 'decision on the ledger', (v) => v.ledger !== null);
    const paid = await asPayer()('POST', `/v1/claims/${id}/payments`, { paymentRef: `${tag}-pay` });
    expect(paid.status).toBe(201);
    expect(paid.body.allocations).toEqual([{ fundId, category: 'outpatient', amount: 150_000 }]);

    const refused = await until(id, 'payment refused', (v) => v.status === 'payment_refused');
    expect(refused.ledgerRefusal).toEqual({
      code: 'FUND_OVERSPENT',
      message: expect.stringContaining(`fund ${fundId} has 100000 remaining`),
      at: expect.any(String),
    });
    expect(await fundInDatabase(fundId)).toEqual({ total: 500_000, allocated: 0 });
    await expectFundShownHonestly(fundId);
    expect(await ledger.getPayment(id)).toBeNull();
    const report = (await asFunder('GET', `/v1/funds/${fundId}/report`)).body;
    expect(report).toMatchObject({ allocated: 0, claims: 0 });

    // The cause goes away: the funder tops the fund up to its budget. The payer pays again with
    // the same reference: the refused attempt does not answer for it any more.
    expect((await asFunder('POST', `/v1/funds/${fundId}/top-ups`, { amount: 500_000 })).status).toBe(201);
    const retried = await asPayer()('POST', `/v1/claims/${id}/payments`, { paymentRef: `${tag}-pay` });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body).toMatchObject({ status: 'paid', attempt: 2, amount: 150_000 });
    await eventually(
      async () => ((await ledger.getPayment(id)) ? true : undefined),
      60_000,
      'payment recorded',
    );
    const after = await until(id, 'paid', (v) => v.status === 'paid');
    expect(after.ledgerRefusal).toBeNull();
    expect(await fundInDatabase(fundId)).toEqual({ total: 1_000_000, allocated: 150_000 });
    expect(await ledger.getFund(fundId)).toMatchObject({ total: 1_000_000, allocated: 550_000 });
    await expectFundShownHonestly(fundId);

    const attempts = await db.query(
      `SELECT attempt, refusal_code, refused_at IS NOT NULL AS refused FROM payments WHERE claim_id = $1 ORDER BY attempt`,
      [id],
    );
    expect(attempts).toEqual([
      { attempt: 1, refusal_code: 'FUND_OVERSPENT', refused: true },
      { attempt: 2, refusal_code: null, refused: false },
    ]);
    const events = await db.query(
      `SELECT from_status, to_status FROM claim_events WHERE claim_id = $1 AND to_status IN ('paid', 'payment_refused') ORDER BY id`,
      [id],
    );
    expect(events).toEqual([
      { from_status: 'approved', to_status: 'paid' },
      { from_status: 'paid', to_status: 'payment_refused' },
      { from_status: 'payment_refused', to_status: 'paid' },
    ]);
  });

  it('answers a top-up the chaincode refuses as problem+json with its code, and keeps PostgreSQL as it was', async () => {
    const asFunder = client(stack.baseUrl, s.funder.key);
    const fund = await asFunder('POST', '/v1/funds', {
      name: 'Topped up elsewhere',
      currency: 'KES',
      budget: 1_000_000,
      deposit: 600_000,
      period: { start: '2026-01-01', end: '2026-12-31' },
    });
    const fundId = fund.body.id as string;
    // The funder's key fills the fund to its budget on the ledger by another road.
    const funderSigner = await stack.api.get(OrganizationsService).signingIdentity(s.funder.id);
    await ledger.topUpFund({ fundId, topUpId: randomUUID(), amount: 400_000 }, funderSigner);
    const r = await asFunder('POST', `/v1/funds/${fundId}/top-ups`, { amount: 300_000 });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({
      type: 'urn:claimtrail:problem:budget-exceeded',
      detail: expect.stringContaining('BUDGET_EXCEEDED'),
      errors: [
        { field: 'amount', rule: expect.stringMatching(/^BUDGET_EXCEEDED: would bring deposits to 1300000/) },
      ],
    });
    expect((await asFunder('GET', `/v1/funds/${fundId}`)).body).toMatchObject({ total: 600_000 });
  });

  it('shows a decision the ledger holds differently as decision_refused; it cannot be paid, and a retry meets the same record', async () => {
    const id = await submit(`R-${tag}`);
    await until(id, 'pended and on the ledger', (v) => v.status === 'pended' && v.ledger !== null);
    // Someone with the payer's key records a different revision 2 before the platform's review.
    const [first] = await ledger.getClaimHistory(id);
    const { docType: _d, txId: _t, recordedAt: _r, recordedBy: _b, ...submitted } = first;
    await ledger.recordDecisions(
      [{ ...submitted, revision: 2, status: 'approved', decidedBy: 'payer:elsewhere' }],
      payerSigner,
    );
    const reviewed = await asPayer()('POST', `/v1/claims/${id}/review`, { action: 'approve' });
    expect(reviewed.body).toMatchObject({ status: 'approved', revision: 2 });

    const refused = await until(id, 'decision refused', (v) => v.status === 'decision_refused');
    expect(refused.ledger).toBeNull();
    expect(refused.decision).toMatchObject({ revision: 2, status: 'approved' });
    expect(refused.ledgerRefusal).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining(`decision record for claim ${id} revision 2`),
      at: expect.any(String),
    });
    const pay = await asPayer()('POST', `/v1/claims/${id}/payments`, {});
    expect(pay.status).toBe(409);
    expect(pay.body.errors[0].rule).toContain('ledger-retry');

    // Tenancy as everywhere: another payer does not see the claim, a provider may not retry.
    const other = await buildScenario(stack.baseUrl, `${tag}o`);
    expect(
      (await client(stack.baseUrl, other.payer.key)('POST', `/v1/claims/${id}/ledger-retry`)).status,
    ).toBe(404);
    expect(
      (await client(stack.baseUrl, s.providers[0].key)('POST', `/v1/claims/${id}/ledger-retry`)).status,
    ).toBe(403);

    const retry = await asPayer()('POST', `/v1/claims/${id}/ledger-retry`);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ id, status: 'decision_refused', revision: 2, ledger: 'pending' });
    // The key holds the other record for good: the retry is refused again, with a later date.
    const again = await until(
      id,
      'refused again',
      (v) => v.status === 'decision_refused' && v.ledgerRefusal.at > refused.ledgerRefusal.at,
    );
    expect(again.ledgerRefusal.code).toBe('CONFLICT');
    const notRefused = await asPayer()('POST', `/v1/claims/${await submit()}/ledger-retry`);
    expect(notRefused.status).toBe(409);
  });

  it('returns a decision_refused claim to its decided status once a retry is recorded, and then pays it', async () => {
    // The relay is held while the decision's outbox record is spoilt, as a platform defect would.
    const release = await holdLedgerRelay(db);
    let id: string;
    let original: unknown;
    try {
      id = await submit();
      await until(id, 'decided', (v) => v.status === 'approved');
      [{ record: original }] = await db.query(
        `SELECT record FROM ledger_outbox WHERE claim_id = $1 AND kind = 'decision'`,
        [id],
      );
      await db.query(
        `UPDATE ledger_outbox SET record = jsonb_set(record, '{memberRef}', '"not-a-hash"')
          WHERE claim_id = $1 AND kind = 'decision'`,
        [id],
      );
    } finally {
      await release();
    }
    const refused = await until(id, 'decision refused', (v) => v.status === 'decision_refused');
    expect(refused.ledgerRefusal).toMatchObject({
      code: 'INVALID_FIELD',
      message: expect.stringContaining('memberRef'),
    });
    expect((await ledger.getClaimHistory(id)).length).toBe(0);

    // The cause goes away (the record is mended); the payer retries.
    await db.query(`UPDATE ledger_outbox SET record = $2 WHERE claim_id = $1 AND kind = 'decision'`, [
      id,
      JSON.stringify(original),
    ]);
    expect((await asPayer()('POST', `/v1/claims/${id}/ledger-retry`)).status).toBe(202);
    const restored = await until(id, 'approved again', (v) => v.status === 'approved' && v.ledger !== null);
    expect(restored.ledgerRefusal).toBeNull();
    expect((await ledger.getClaimHistory(id)).map((r) => r.revision)).toEqual([1]);
    const paid = await asPayer()('POST', `/v1/claims/${id}/payments`, {});
    expect(paid.status).toBe(201);
    const events = await db.query(
      `SELECT from_status, to_status, actor FROM claim_events WHERE claim_id = $1 AND to_status <> 'adjudicating' ORDER BY id`,
      [id],
    );
    expect(events.slice(1)).toEqual([
      { from_status: 'adjudicating', to_status: 'approved', actor: 'rules-engine' },
      { from_status: 'approved', to_status: 'decision_refused', actor: 'ledger' },
      { from_status: 'decision_refused', to_status: 'decision_refused', actor: `payer:${s.payer.id}` },
      { from_status: 'decision_refused', to_status: 'approved', actor: 'ledger' },
      { from_status: 'approved', to_status: 'paid', actor: `payer:${s.payer.id}` },
    ]);
  });
});
