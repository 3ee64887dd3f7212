import type { ClaimRecords, FundView, StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/ledger';
import { compareClaim, compareFund, type DatabaseClaim, type DatabaseFund } from './compare-records';

const decision: StoredDecisionRecord = {
  claimId: 'c1',
  revision: 1,
  payerId: 'payer',
  providerId: 'clinic',
  planVersionId: 'pv',
  memberRef: 'm'.repeat(64),
  claimCommitment: 'k'.repeat(64),
  status: 'approved',
  currency: 'KES',
  totals: { claimed: 150000, eligible: 150000, coPayment: 0, deductible: 0, approved: 150000 },
  lines: [
    {
      lineNo: 1,
      category: 'outpatient',
      claimed: 150000,
      approved: 150000,
      status: 'approved',
      reasonCodes: [],
    },
  ],
  ruleSetHash: 'r'.repeat(64),
  reviewSeed: 's'.repeat(64),
  decidedAt: '2026-03-02T10:00:00.000Z',
  decidedBy: 'rules-engine',
  docType: 'claimDecision',
  txId: 'tx1',
  recordedAt: '2026-03-02T10:00:01.000Z',
  recordedBy: 'payer',
};

const payment: StoredPaymentRecord = {
  claimId: 'c1',
  revision: 1,
  payerId: 'payer',
  providerId: 'clinic',
  planId: 'plan',
  currency: 'KES',
  amount: 150000,
  serviceDate: '2026-03-02',
  paidAt: '2026-03-03T10:00:00.000Z',
  paymentRef: 'pay-c1',
  allocations: [{ fundId: 'f1', category: 'outpatient', amount: 100000 }],
  docType: 'claimPayment',
  txId: 'tx2',
  recordedAt: '2026-03-03T10:00:01.000Z',
  recordedBy: 'payer',
};

function claim(overrides: Partial<DatabaseClaim> = {}): DatabaseClaim {
  return {
    id: 'c1',
    status: 'paid',
    revision: 1,
    payerId: 'payer',
    providerId: 'clinic',
    planVersionId: 'pv',
    currency: 'KES',
    claimCommitment: 'k'.repeat(64),
    decisions: [
      {
        revision: 1,
        status: 'approved',
        currency: 'KES',
        totals: { ...decision.totals },
        lines: decision.lines.map((l) => ({ ...l })),
        ruleSetHash: decision.ruleSetHash,
        decidedAt: '2026-03-02T10:00:00+00:00',
        decidedBy: 'rules-engine',
      },
    ],
    outbox: [{ kind: 'decision', revision: 1, outcome: 'recorded' }],
    payment: { revision: 1, amount: 150000, paymentRef: 'pay-c1', outcome: 'recorded' },
    allocations: [{ fundId: 'f1', category: 'outpatient', amount: 100000 }],
    ...overrides,
  };
}

const onLedger = (o: Partial<ClaimRecords> = {}): ClaimRecords => ({
  claimId: 'c1',
  decisions: [decision],
  payment,
  allocations: [
    {
      docType: 'fundAllocation',
      fundId: 'f1',
      claimId: 'c1',
      revision: 1,
      payerId: 'payer',
      providerId: 'clinic',
      planId: 'plan',
      currency: 'KES',
      serviceDate: '2026-03-02',
      amount: 100000,
      categories: [{ category: 'outpatient', amount: 100000 }],
      txId: 'tx2',
      recordedAt: '2026-03-03T10:00:01.000Z',
    },
  ],
  ...o,
});

const fields = (c: DatabaseClaim, l: ClaimRecords | null) =>
  compareClaim(c, l).map((d) => [d.field, d.database, d.ledger]);

describe('compareClaim', () => {
  it('finds nothing when PostgreSQL agrees with the ledger', () => {
    expect(fields(claim(), onLedger())).toEqual([]);
  });

  it('names a raised amount, with both figures', () => {
    const c = claim();
    c.decisions[0].totals.approved += 1_000_000;
    c.decisions[0].lines[0].approved += 1_000_000;
    expect(fields(c, onLedger())).toEqual([
      ['decision.totals.approved', 1_150_000, 150_000],
      ['decision.lines.0.approved', 1_150_000, 150_000],
    ]);
  });

  it('names a status the ledger does not back', () => {
    const rejected = { ...decision, status: 'rejected' as const };
    const c = claim({
      status: 'approved',
      payment: null,
      allocations: [],
      outbox: [{ kind: 'decision', revision: 1, outcome: 'recorded' }],
    });
    c.decisions[0].status = 'rejected';
    expect(fields(c, onLedger({ decisions: [rejected], payment: null, allocations: [] }))).toEqual([
      ['status', 'approved', 'rejected'],
    ]);
  });

  it('names payment and allocation rows that differ from the ledger', () => {
    const c = claim({ payment: { revision: 1, amount: 140000, paymentRef: 'pay-c1', outcome: 'recorded' } });
    c.allocations[0].amount += 500;
    expect(fields(c, onLedger())).toEqual([
      ['payment.amount', 140000, 150000],
      ['payment.allocations.f1.outpatient', 100500, 100000],
      ['payment.funds.f1', 100500, 100000],
    ]);
  });

  it('leaves the status of a claim whose payment the ledger refused to what the ledger holds', () => {
    const refused = claim({ status: 'payment_refused', payment: null, allocations: [] });
    expect(fields(refused, onLedger({ payment: null, allocations: [] }))).toEqual([]);
    expect(fields(refused, onLedger())).toEqual([
      ['status', 'payment_refused', 'paid'],
      ['payment', null, 'amount 150000'],
    ]);
  });

  it('expects nothing on the ledger while the outbox has not sent it', () => {
    const c = claim({
      outbox: [{ kind: 'decision', revision: 1, outcome: null }],
      payment: { revision: 1, amount: 150000, paymentRef: 'pay-c1', outcome: null },
    });
    expect(fields(c, null)).toEqual([]);
    expect(
      fields(
        claim({ payment: { revision: 1, amount: 150000, paymentRef: 'pay-c1', outcome: null } }),
        onLedger({ payment: null, allocations: [] }),
      ),
    ).toEqual([]);
  });

  it('names records missing on either side', () => {
    expect(fields(claim(), null)).toEqual([
      ['decision', 'revision 1', null],
      ['payment', 'amount 150000', null],
    ]);
    expect(
      fields(
        claim({ status: 'received', decisions: [], payment: null, allocations: [], outbox: [] }),
        onLedger(),
      ),
    ).toEqual([
      ['revisions.1', null, 'approved, approved 150000'],
      ['status', 'received', 'approved'],
      ['payment', null, 'amount 150000'],
    ]);
  });
});

describe('compareFund', () => {
  const db: DatabaseFund = {
    id: 'f1',
    funderId: 'funder',
    currency: 'KES',
    total: 1_000_000,
    allocated: 300_000,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    earmarks: { categories: ['outpatient'] },
    budget: 1_000_000,
    pendingAllocated: 100_000,
  };
  const ledger = {
    fundId: 'f1',
    funderId: 'funder',
    currency: 'KES',
    budget: 1_000_000,
    total: 1_000_000,
    allocated: 200_000,
    remaining: 800_000,
    period: { start: '2026-01-01', end: '2026-12-31' },
    earmarks: { categories: ['outpatient'] },
  } as FundView;

  it('counts what pending payments took before comparing the allocated balance', () => {
    expect(compareFund(db, ledger)).toEqual([]);
    expect(
      compareFund({ ...db, allocated: 250_000 }, ledger).map((d) => [d.field, d.database, d.ledger]),
    ).toEqual([['allocated', 150_000, 200_000]]);
  });

  it('names a fund the ledger does not hold, and a changed total', () => {
    expect(compareFund(db, null).map((d) => d.field)).toEqual(['fund']);
    expect(compareFund({ ...db, total: 6_000_000 }, ledger).map((d) => d.field)).toEqual(['total']);
  });
});
