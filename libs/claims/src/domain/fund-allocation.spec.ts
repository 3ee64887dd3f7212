import { allocatePayment, type FundForAllocation, type PaymentFacts } from './fund-allocation';

const facts: PaymentFacts = {
  payerId: 'payer-1',
  planId: 'plan-1',
  providerId: 'clinic-1',
  currency: 'KES',
  serviceDate: '2026-03-14',
  categories: [
    { category: 'maternity', amount: 150000 },
    { category: 'laboratory', amount: 30000 },
  ],
};

const fund = (id: string, over: Partial<FundForAllocation> = {}): FundForAllocation => ({
  id,
  currency: 'KES',
  remaining: 1_000_000,
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  createdAt: '2026-01-01T00:00:00.000Z',
  earmarks: {},
  ...over,
});

describe('allocatePayment', () => {
  it('spends the fund that expires first, then the next, category by category', () => {
    const allocations = allocatePayment(facts, [
      fund('late', { periodEnd: '2026-12-31' }),
      fund('soon', { periodEnd: '2026-06-30', remaining: 100000 }),
    ]);
    expect(allocations).toEqual([
      { fundId: 'soon', category: 'laboratory', amount: 30000 },
      { fundId: 'soon', category: 'maternity', amount: 70000 },
      { fundId: 'late', category: 'maternity', amount: 80000 },
    ]);
  });

  it('respects every earmark, the currency and the period', () => {
    const funds = [
      fund('maternal-only', { earmarks: { categories: ['maternity'] } }),
      fund('other-payer', { earmarks: { payerIds: ['payer-2'] } }),
      fund('other-clinic', { earmarks: { providerIds: ['clinic-2'] } }),
      fund('other-plan', { earmarks: { planIds: ['plan-2'] } }),
      fund('ugx', { currency: 'UGX' }),
      fund('expired', { periodEnd: '2026-02-28' }),
    ];
    expect(allocatePayment(facts, funds)).toEqual([
      { fundId: 'maternal-only', category: 'maternity', amount: 150000 },
    ]);
  });

  it('never takes more than a fund has left, and leaves the rest to the payer', () => {
    const allocations = allocatePayment(facts, [fund('small', { remaining: 50000 })]);
    expect(allocations.reduce((s, a) => s + a.amount, 0)).toBe(50000);
  });

  it('does not depend on the order funds are given in', () => {
    const funds = [
      fund('b', { remaining: 60000 }),
      fund('a', { remaining: 60000 }),
      fund('c', { createdAt: '2025-12-01T00:00:00.000Z', remaining: 10000 }),
    ];
    expect(allocatePayment(facts, funds)).toEqual(allocatePayment(facts, [...funds].reverse()));
  });
});
