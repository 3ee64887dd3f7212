import { ReasonCode } from '../reason-codes';
import { decide, line } from '../testing/adjudication-fixtures';

const acc = (
  over: Partial<{ annualApproved: number; categoryApproved: Record<string, number>; deductibleMet: number }>,
) => ({
  accumulators: { annualApproved: 0, categoryApproved: {}, deductibleMet: 0, ...over },
});
const amounts = (d: ReturnType<typeof decide>) =>
  d.lines.map(({ eligible, deductible, coPayment, approved }) => ({
    eligible,
    deductible,
    coPayment,
    approved,
  }));

describe('tariff price', () => {
  it('PRICE_ABOVE_TARIFF: pays the tariff price; the tariff price itself passes', () => {
    const d = decide(
      {},
      { lines: [line(1, 'DRUG-AL', { quantity: 2, unitPrice: 60000 }), line(2, 'DRUG-AL')] },
    );
    expect(d.lines[0]).toMatchObject({
      status: 'adjusted',
      approved: 90000,
      reasonCodes: [ReasonCode.PriceAboveTariff],
    });
    expect(d.lines[1]).toMatchObject({ status: 'approved', approved: 45000, reasonCodes: [] });
  });
});

describe('per-visit limit', () => {
  it('PER_VISIT_LIMIT: caps the sum of the lines, first line first', () => {
    const d = decide({ limits: { perVisit: 160000 } });
    expect(d.lines.map((l) => l.approved)).toEqual([150000, 10000]);
    expect(d.lines[1]).toMatchObject({ status: 'adjusted', reasonCodes: [ReasonCode.PerVisitLimit] });
  });

  it('PER_VISIT_LIMIT: a claim exactly at the limit is untouched', () => {
    expect(decide({ limits: { perVisit: 180000 } }).status).toBe('approved');
  });
});

describe('deductible', () => {
  const rules = { deductible: { annual: 100000 } };

  it('DEDUCTIBLE_APPLIED: the member bears what is left of the deductible, line by line; still approved', () => {
    const d = decide(rules, {}, acc({ deductibleMet: 60000 }));
    expect(amounts(d)).toEqual([
      { eligible: 150000, deductible: 40000, coPayment: 0, approved: 110000 },
      { eligible: 30000, deductible: 0, coPayment: 0, approved: 30000 },
    ]);
    expect(d.lines[0].reasonCodes).toEqual([ReasonCode.DeductibleApplied]);
    expect(d.status).toBe('approved');
    expect(d.totals).toMatchObject({ deductible: 40000, approved: 140000 });
  });

  it('DEDUCTIBLE_APPLIED: a deductible already met takes nothing', () => {
    const d = decide(rules, {}, acc({ deductibleMet: 100000 }));
    expect(d.totals.deductible).toBe(0);
    expect(d.lines.flatMap((l) => l.reasonCodes)).toEqual([]);
  });
});

describe('co-payment', () => {
  it('COPAYMENT_APPLIED: a percentage per line, the line still approved', () => {
    const d = decide({ coPayment: { percent: 10 } });
    expect(d.lines.map((l) => [l.coPayment, l.approved, l.status])).toEqual([
      [15000, 135000, 'approved'],
      [3000, 27000, 'approved'],
    ]);
    expect(d.lines[0].reasonCodes).toEqual([ReasonCode.CoPaymentApplied]);
    expect(d.status).toBe('approved');
  });

  it('COPAYMENT_APPLIED: rounds half up per line, to basis points', () => {
    const lines = [line(1, 'LAB-MRDT', { unitPrice: 29999 }), line(2, 'DRUG-AL', { unitPrice: 44999 })];
    expect(decide({ coPayment: { percent: 50 } }, { lines }).lines[0].coPayment).toBe(15000); // 14999.5
    expect(decide({ coPayment: { percent: 12.5 } }, { lines }).lines[1].coPayment).toBe(5625); // 5624.875
    expect(decide({ coPayment: { percent: 0.01 } }, { lines }).lines[0].coPayment).toBe(3); // 2.9999
  });

  it('COPAYMENT_APPLIED: the fixed amount is taken per claim, line by line, and the cap holds per claim', () => {
    const fixed = decide({ coPayment: { fixed: 160000 } });
    expect(fixed.lines.map((l) => l.coPayment)).toEqual([150000, 10000]);
    const capped = decide({ coPayment: { percent: 10, fixed: 20000, cap: 30000 } });
    expect(capped.lines.map((l) => l.coPayment)).toEqual([30000, 0]);
    expect(capped.lines[1].reasonCodes).toEqual([]);
  });

  it('COPAYMENT_APPLIED: applies to what the deductible leaves', () => {
    const d = decide({ deductible: { annual: 50000 }, coPayment: { percent: 10 } });
    expect(amounts(d)[0]).toEqual({ eligible: 150000, deductible: 50000, coPayment: 10000, approved: 90000 });
  });
});

describe('category and annual limits', () => {
  const labLimit = { limits: { categories: { laboratory: 50000 } } };

  it('CATEGORY_LIMIT_REACHED: pays what is left of the category limit', () => {
    const d = decide(labLimit, {}, acc({ categoryApproved: { laboratory: 40000 } }));
    expect(d.lines[1]).toMatchObject({
      approved: 10000,
      status: 'adjusted',
      reasonCodes: [ReasonCode.CategoryLimitReached],
    });
    expect(d.lines[0].status).toBe('approved');
  });

  it('CATEGORY_LIMIT_REACHED: exactly enough left passes', () => {
    expect(decide(labLimit, {}, acc({ categoryApproved: { laboratory: 20000 } })).status).toBe('approved');
  });

  const annual = { limits: { annual: 1000000 } };

  it('ANNUAL_LIMIT_REACHED: pays what is left, first line first; a line left with nothing is rejected', () => {
    const d = decide(annual, {}, acc({ annualApproved: 900000 }));
    expect(d.lines.map((l) => [l.approved, l.status, l.approvedQuantity])).toEqual([
      [100000, 'adjusted', 1],
      [0, 'rejected', 0],
    ]);
    expect(d.lines[1].reasonCodes).toEqual([ReasonCode.AnnualLimitReached]);
    expect(d.status).toBe('partially_approved');
  });

  it('ANNUAL_LIMIT_REACHED: exactly enough left passes', () => {
    expect(decide(annual, {}, acc({ annualApproved: 820000 })).status).toBe('approved');
  });

  it('caps what the payer pays, not the member share: deductible and co-payment stay eligible', () => {
    const rules = { deductible: { annual: 20000 }, coPayment: { percent: 10 }, limits: { annual: 100000 } };
    const d = decide(rules, { lines: [line(1, 'CONS-GP')] }, acc({ annualApproved: 50000 }));
    expect(amounts(d)).toEqual([{ eligible: 83000, deductible: 20000, coPayment: 13000, approved: 50000 }]);
    expect(d.lines[0].reasonCodes).toEqual([
      ReasonCode.DeductibleApplied,
      ReasonCode.CoPaymentApplied,
      ReasonCode.AnnualLimitReached,
    ]);
  });

  it('rejects a claim whose lines approve nothing, the member share kept and the lines saying why', () => {
    const rules = { coPayment: { percent: 10 }, limits: { annual: 1000000 } };
    const d = decide(rules, {}, acc({ annualApproved: 1000000 }));
    expect(d.status).toBe('rejected');
    expect(d.totals).toMatchObject({ approved: 0, coPayment: 18000, eligible: 18000 });
    expect(d.lines.map((l) => [l.status, l.approved])).toEqual([
      ['adjusted', 0],
      ['adjusted', 0],
    ]);
    for (const l of d.lines) expect(l.reasonCodes).toContain(ReasonCode.AnnualLimitReached);
  });

  it('still partially approves a claim when one line keeps something', () => {
    const rules = { coPayment: { percent: 10 }, limits: { annual: 1000000 } };
    const d = decide(rules, {}, acc({ annualApproved: 999999 }));
    expect(d.status).toBe('partially_approved');
    expect(d.totals.approved).toBe(1);
  });
});
