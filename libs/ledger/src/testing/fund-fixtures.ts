import { randomUUID } from 'node:crypto';
import type { DecisionRecord, FundRecord, PaymentRecord } from '@claimtrail/chaincode/records';

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
