import type { LedgerPort, StoredDecisionRecord } from '@claimtrail/ledger';
import { decisionRecord } from '@claimtrail/ledger/testing/decision-fixtures';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { ClaimStatus } from '../domain';
import { InMemoryPaymentsRepository } from '../testing/in-memory-payments.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import type { Fund } from './funds.repository';
import type { ClaimToPay, DecisionToPay } from './payments.repository';
import { PaymentsService } from './payments.service';

const PAYER = 'payer-1';
const PLAN = 'plan-1';
const NOW = new Date('2026-04-02T09:00:00Z');
// Fund ids sort as their names do, so the lock order is readable.
const FUND_A = '00000000-0000-4000-8000-00000000000a';
const FUND_B = '00000000-0000-4000-8000-00000000000b';

/** A claim decided on revision 1, the same in PostgreSQL and on the ledger (270 000 approved). */
function decided(claimId: string, over: Partial<ClaimToPay> = {}) {
  const record: StoredDecisionRecord = {
    ...decisionRecord({ claimId, payerId: PAYER, currency: 'KES' }),
    docType: 'claimDecision',
    txId: `tx-${claimId}`,
    recordedAt: '2025-11-20T10:16:00.000Z',
    recordedBy: 'PayerMSP',
  };
  const claim: ClaimToPay = {
    id: claimId,
    providerId: record.providerId,
    payerId: PAYER,
    memberId: 'member-1',
    planVersionId: record.planVersionId,
    externalRef: `ext-${claimId}`,
    requestHash: 'h'.repeat(64),
    status: ClaimStatus.PartiallyApproved,
    revision: 1,
    currency: 'KES',
    serviceDate: '2026-03-10',
    diagnoses: ['J06.9'],
    careType: 'outpatient',
    previousClaimId: null,
    ledgerHeadAtSubmission: 'head',
    totalClaimed: record.totals.claimed,
    commitmentSalt: 's'.repeat(64),
    claimCommitment: record.claimCommitment,
    lines: [],
    approvedLines: null,
    lastError: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
  const decision: DecisionToPay = {
    claimId,
    revision: 1,
    status: 'partially_approved',
    currency: 'KES',
    totalClaimed: record.totals.claimed,
    totalEligible: record.totals.eligible,
    totalCoPayment: record.totals.coPayment,
    totalDeductible: record.totals.deductible,
    totalApproved: record.totals.approved,
    reasonCodes: ['PRICE_ABOVE_TARIFF'],
    inputs: null,
    note: null,
    lines: record.lines as unknown as DecisionToPay['lines'],
    ruleSetHash: record.ruleSetHash,
    decidedAt: new Date(record.decidedAt),
    decidedBy: record.decidedBy,
  };
  return { claim, decision, record };
}

const fund = (id: string, over: Partial<Fund> = {}): Fund => ({
  id,
  funderId: 'funder-1',
  name: id,
  currency: 'KES',
  budget: 1_000_000,
  total: 1_000_000,
  allocated: 0,
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  earmarks: {},
  ledgerTxId: `tx-${id}`,
  createdAt: NOW,
  ...over,
});

function setUp(funds: Fund[] = []) {
  const repo = new InMemoryPaymentsRepository(new Map(funds.map((f) => [f.id, f])));
  const history = new Map<string, StoredDecisionRecord[]>();
  const ledger = {
    getClaimHistory: (claimId: string) => Promise.resolve(history.get(claimId) ?? []),
  } as unknown as LedgerPort;
  const transactions = new InMemoryTransactions();
  const add = (claimId: string, over: Partial<ClaimToPay> = {}) => {
    const d = decided(claimId, over);
    repo.claims.set(claimId, d.claim);
    repo.decisions.set(`${claimId}:1`, d.decision);
    repo.planVersions.set(d.claim.planVersionId, PLAN);
    history.set(claimId, [d.record]);
    return d;
  };
  return { repo, transactions, history, add, payments: new PaymentsService(transactions, repo, ledger) };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );

describe('PaymentsService', () => {
  it("pays the ledger's approved amount, drawing on the funds, in one transaction locking reference, claim, then funds", async () => {
    const { payments, repo, add, transactions } = setUp([
      fund(FUND_B, { total: 100_000, periodEnd: '2026-06-30' }),
      fund(FUND_A),
    ]);
    const { record } = add('claim-1');
    const result = await payments.pay(PAYER, 'claim-1', 'ref-1', NOW);
    expect(result).toEqual({
      claimId: 'claim-1',
      status: ClaimStatus.Paid,
      amount: 270_000,
      paymentRef: 'ref-1',
      attempt: 1,
      allocations: [
        { fundId: FUND_B, category: 'laboratory', amount: 100_000 },
        { fundId: FUND_A, category: 'laboratory', amount: 35_000 },
        { fundId: FUND_A, category: 'outpatient', amount: 135_000 },
      ],
      replayed: false,
    });
    expect(transactions.count).toBe(1);
    expect(repo.locks).toEqual([`ref:${PAYER}:ref-1`, 'claim:claim-1', `fund:${FUND_A}`, `fund:${FUND_B}`]);
    expect(repo.claims.get('claim-1')!.status).toBe(ClaimStatus.Paid);
    expect(repo.funds.get(FUND_A)!.allocated).toBe(170_000);
    expect(repo.funds.get(FUND_B)!.allocated).toBe(100_000);
    expect(repo.payments).toEqual([
      {
        claimId: 'claim-1',
        attempt: 1,
        revision: 1,
        payerId: PAYER,
        amount: 270_000,
        paymentRef: 'ref-1',
        paidAt: NOW,
        ledgerOutboxId: 1,
        refusedAt: null,
      },
    ]);
    expect(repo.allocations).toHaveLength(3);
    expect(repo.outbox.get(1)).toEqual({
      claimId: 'claim-1',
      revision: 1,
      signerOrgId: PAYER,
      record: {
        claimId: 'claim-1',
        revision: 1,
        payerId: PAYER,
        providerId: record.providerId,
        planId: PLAN,
        currency: 'KES',
        amount: 270_000,
        serviceDate: '2026-03-10',
        paidAt: NOW.toISOString(),
        paymentRef: 'ref-1',
        allocations: result.allocations,
      },
    });
    expect(repo.events).toEqual([
      {
        claimId: 'claim-1',
        revision: 1,
        from: ClaimStatus.PartiallyApproved,
        to: ClaimStatus.Paid,
        actor: `payer:${PAYER}`,
        detail: { amount: 270_000, funded: 270_000, paymentRef: 'ref-1', attempt: 1 },
      },
    ]);
  });

  it('leaves to the payer what the funds cannot cover, and never draws on an empty fund or another currency', async () => {
    const { payments, repo, add } = setUp([
      fund(FUND_A, { total: 50_000, allocated: 40_000 }),
      fund(FUND_B, { total: 500_000, allocated: 500_000 }),
      fund('ffffffff-0000-4000-8000-000000000000', { currency: 'USD' }),
    ]);
    add('claim-1');
    const result = await payments.pay(PAYER, 'claim-1', undefined, NOW);
    expect(result.paymentRef).toBe('pay-claim-1');
    expect(result.amount).toBe(270_000);
    expect(result.allocations).toEqual([{ fundId: FUND_A, category: 'laboratory', amount: 10_000 }]);
    expect(repo.funds.get(FUND_A)!.allocated).toBe(50_000);
    expect(repo.funds.get(FUND_B)!.allocated).toBe(500_000);
    expect(repo.locks).toEqual([`ref:${PAYER}:pay-claim-1`, 'claim:claim-1', `fund:${FUND_A}`]);
    expect(repo.events[0].detail).toMatchObject({ funded: 10_000 });
  });

  it('replays a repeated request with the first answer, writing nothing and opening no transaction', async () => {
    const { payments, repo, add, transactions } = setUp([fund(FUND_A)]);
    add('claim-1');
    const first = await payments.pay(PAYER, 'claim-1', 'ref-1', NOW);
    const again = await payments.pay(PAYER, 'claim-1', 'ref-1', new Date());
    expect(again).toEqual({ ...first, replayed: true });
    expect(transactions.count).toBe(1);
    expect(repo.payments).toHaveLength(1);
    expect(repo.funds.get(FUND_A)!.allocated).toBe(270_000);
  });

  it('refuses a payment reference already used for another claim', async () => {
    const { payments, repo, add } = setUp();
    add('claim-1');
    add('claim-2');
    await payments.pay(PAYER, 'claim-1', 'ref-1', NOW);
    const err = await refusal(payments.pay(PAYER, 'claim-2', 'ref-1', NOW));
    expect(err?.code).toBe(AppErrorCode.PaymentRefConflict);
    expect(err?.details).toEqual([
      { field: 'paymentRef', rule: 'must not be reused for another claim (it paid claim claim-1)' },
    ]);
    expect(repo.claims.get('claim-2')!.status).toBe(ClaimStatus.PartiallyApproved);
  });

  it('refuses to pay a claim already paid under another reference', async () => {
    const { payments, repo, add } = setUp();
    add('claim-1');
    await payments.pay(PAYER, 'claim-1', 'ref-1', NOW);
    const err = await refusal(payments.pay(PAYER, 'claim-1', 'ref-2', NOW));
    expect(err).toBeInstanceOf(AppError);
    expect(err?.code).toBe(AppErrorCode.InvalidState);
    expect(err?.message).toBe('a paid claim cannot be paid');
    expect(repo.payments).toHaveLength(1);
  });

  it('says how to make a claim whose decision the ledger refused payable', async () => {
    const { payments, add } = setUp();
    add('claim-1', { status: ClaimStatus.DecisionRefused });
    const err = await refusal(payments.pay(PAYER, 'claim-1', 'ref-1', NOW));
    expect(err?.code).toBe(AppErrorCode.InvalidState);
    expect(err?.details[0].rule).toContain('ledger-retry');
  });

  it("treats another payer's claim, or none, as not found", async () => {
    const { payments, add } = setUp();
    add('claim-1');
    await expect(payments.pay('payer-2', 'claim-1', 'ref-1', NOW)).rejects.toBeInstanceOf(NotFoundError);
    await expect(payments.pay(PAYER, 'no-claim', 'ref-1', NOW)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a decision with nothing approved', async () => {
    const { payments, repo, add } = setUp();
    add('claim-1');
    repo.decisions.get('claim-1:1')!.totalApproved = 0;
    const err = await refusal(payments.pay(PAYER, 'claim-1', 'ref-1', NOW));
    expect(err?.code).toBe(AppErrorCode.NothingToPay);
  });

  it("refuses, writing nothing, when PostgreSQL's amounts differ from the ledger's", async () => {
    const { payments, repo, add, transactions } = setUp([fund(FUND_A)]);
    add('claim-1');
    repo.decisions.get('claim-1:1')!.totalApproved = 280_000;
    const err = await refusal(payments.pay(PAYER, 'claim-1', 'ref-1', NOW));
    expect(err?.code).toBe(AppErrorCode.LedgerMismatch);
    expect(err?.details.map((d) => d.field)).toEqual(['decision.totals.approved']);
    expect(transactions.count).toBe(0);
    expect(repo.payments).toEqual([]);
    expect(repo.funds.get(FUND_A)!.allocated).toBe(0);
  });

  it('asks for a retry while the decision is not on the ledger yet', async () => {
    const { payments, history, add } = setUp();
    add('claim-1');
    history.set('claim-1', []);
    const err = await refusal(payments.pay(PAYER, 'claim-1', 'ref-1', NOW));
    expect(err?.code).toBe(AppErrorCode.DecisionNotOnLedger);
  });

  it('refuses a claim decided again between the ledger read and its lock', async () => {
    const { payments, repo, add } = setUp();
    add('claim-1');
    const lockRef = repo.lockPaymentRef.bind(repo);
    repo.lockPaymentRef = (tx, payerId, ref) => {
      repo.claims.get('claim-1')!.revision = 2;
      return lockRef(tx, payerId, ref);
    };
    const err = await refusal(payments.pay(PAYER, 'claim-1', 'ref-1', NOW));
    expect(err?.code).toBe(AppErrorCode.InvalidState);
    expect(err?.details).toEqual([
      { field: 'revision', rule: 'must still be 1; read the claim and pay again' },
    ]);
    expect(repo.payments).toEqual([]);
  });

  it('pays again, as the next attempt, after the ledger refused a payment, even under the same reference', async () => {
    const { payments, repo, add } = setUp();
    add('claim-1');
    await payments.pay(PAYER, 'claim-1', 'ref-1', NOW);
    repo.payments[0].refusedAt = NOW;
    repo.claims.get('claim-1')!.status = ClaimStatus.PaymentRefused;
    const again = await payments.pay(PAYER, 'claim-1', 'ref-1', NOW);
    expect(again).toMatchObject({ attempt: 2, replayed: false, amount: 270_000 });
    expect(repo.events[1]).toMatchObject({ from: ClaimStatus.PaymentRefused, detail: { attempt: 2 } });
  });

  it("pays a batch item by item in the payer's order: a refusal stops only its own item", async () => {
    const { payments, repo, add } = setUp([fund(FUND_A, { total: 300_000 })]);
    add('claim-1');
    add('claim-2');
    add('claim-3', { status: ClaimStatus.Rejected });
    const results = await payments.payBatch(PAYER, [
      { claimId: 'claim-2' },
      { claimId: 'claim-3' },
      { claimId: 'no-claim' },
      { claimId: 'claim-1', paymentRef: 'ref-1' },
    ]);
    expect(
      results.map((r) => (r.ok ? `${r.claimId}:${r.allocations.length}` : `${r.claimId}:${r.error.code}`)),
    ).toEqual(['claim-2:2', `claim-3:${AppErrorCode.InvalidState}`, 'no-claim:not_found', 'claim-1:1']);
    const first = results[0] as { amount: number; allocations: { amount: number }[] };
    expect(first.allocations.reduce((s, a) => s + a.amount, 0)).toBe(270_000);
    expect(repo.funds.get(FUND_A)!.allocated).toBe(300_000);
  });
});
