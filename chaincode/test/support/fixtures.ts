import { randomBytes, randomUUID } from 'node:crypto';
import type { DecisionRecord, FundRecord, PaymentRecord } from '../../src/records';

/** A random 32-byte value in lowercase hex, like the platform's hashes and commitments. */
export function randomHex32(): string {
  return randomBytes(32).toString('hex');
}

/** A valid decision record for a fresh random claim, with `overrides` applied. */
export function decisionRecord(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    claimId: randomUUID(),
    revision: 1,
    payerId: 'payer-1',
    providerId: randomUUID(),
    planVersionId: randomUUID(),
    memberRef: randomHex32(),
    claimCommitment: randomHex32(),
    status: 'partially_approved',
    currency: 'KES',
    totals: { claimed: 450000, eligible: 300000, coPayment: 30000, deductible: 0, approved: 270000 },
    lines: [
      {
        lineNo: 1,
        category: 'outpatient',
        claimed: 150000,
        approved: 135000,
        status: 'approved',
        reasonCodes: [],
      },
      {
        lineNo: 2,
        category: 'laboratory',
        claimed: 300000,
        approved: 135000,
        status: 'adjusted',
        reasonCodes: ['PRICE_ABOVE_TARIFF'],
      },
    ],
    ruleSetHash: randomHex32(),
    reviewSeed: randomHex32(),
    decidedAt: '2025-11-20T10:15:00.000Z',
    decidedBy: 'rules-engine',
    ...overrides,
  };
}

/** A valid fund for a fresh random id, with `overrides` applied. */
export function fundRecord(overrides: Partial<FundRecord> = {}): FundRecord {
  return {
    fundId: randomUUID(),
    funderId: 'funder-1',
    currency: 'KES',
    budget: 1_000_000,
    period: { start: '2025-01-01', end: '2025-12-31' },
    earmarks: {},
    ...overrides,
  };
}

/** A valid payment of `decision` in full, charging each approved category to `fundId`. */
export function paymentFor(
  decision: DecisionRecord,
  fundId: string | null,
  overrides: Partial<PaymentRecord> = {},
): PaymentRecord {
  const allocations =
    fundId === null
      ? []
      : decision.lines
          .filter((l) => l.approved > 0)
          .map((l) => ({ fundId, category: l.category, amount: l.approved }));
  return {
    claimId: decision.claimId,
    revision: decision.revision,
    payerId: decision.payerId,
    providerId: decision.providerId,
    planId: 'plan-1',
    currency: decision.currency,
    amount: decision.totals.approved,
    serviceDate: '2025-11-10',
    paidAt: '2025-11-22T09:00:00.000Z',
    paymentRef: `ref-${decision.claimId}`,
    allocations,
    ...overrides,
  };
}
