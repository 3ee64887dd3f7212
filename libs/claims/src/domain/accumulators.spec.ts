import { affectedAccumulators } from './accumulators';
import { decide, line } from './testing/adjudication-fixtures';

describe('affectedAccumulators', () => {
  const rules = { deductible: { annual: 50000 }, coPayment: { percent: 10 } };
  const lines = [
    line(1, 'CONS-GP'),
    line(2, 'LAB-MRDT'),
    line(3, 'LAB-MRDT', { quantity: 2 }),
    line(4, 'XX-NONE'),
  ];

  it('adds the approved amount in total and per category, and the deductible borne', () => {
    const d = decide(rules, { lines });
    expect(d.status).toBe('partially_approved');
    // Outpatient 90,000 and laboratory 81,000, after the co-payment and the deductible.
    expect(d.totals.approved).toBe(171_000);
    expect(affectedAccumulators(d)).toEqual({
      annual: 171_000,
      categories: { laboratory: 81000, outpatient: 90000 },
      deductible: 50000,
    });
  });

  it('adds nothing for a rejected or a pended decision', () => {
    const zero = { annual: 0, categories: {}, deductible: 0 };
    expect(affectedAccumulators(decide(rules, { currency: 'UGX' }))).toEqual(zero);
    expect(affectedAccumulators(decide({ ...rules, review: { threshold: 0 } }, { lines }))).toEqual(zero);
  });
});
