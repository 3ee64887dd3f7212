import { ReasonCode } from '../reason-codes';
import { decide, line, prior } from '../testing/adjudication-fixtures';

describe('quantity rules', () => {
  const maxTwo = { tariff: { 'DRUG-AL': { maxQuantityPerLine: 2 } } };

  it('QUANTITY_ABOVE_MAXIMUM: trims the line to the maximum per line', () => {
    const d = decide(maxTwo, { lines: [line(1, 'DRUG-AL', { quantity: 3 })] });
    expect(d.status).toBe('partially_approved');
    expect(d.lines[0]).toMatchObject({
      status: 'adjusted',
      claimed: 135000,
      approved: 90000,
      approvedQuantity: 2,
      reasonCodes: [ReasonCode.QuantityAboveMaximum],
    });
  });

  it('QUANTITY_ABOVE_MAXIMUM: exactly the maximum passes', () => {
    expect(decide(maxTwo, { lines: [line(1, 'DRUG-AL', { quantity: 2 })] }).lines[0].status).toBe('approved');
  });

  const weekly = { tariff: { 'LAB-MRDT': { frequency: { max: 2, period: { rollingDays: 7 } } } } };
  const tests = (quantity: number) => ({ lines: [line(1, 'LAB-MRDT', { quantity })] });
  const earlier = (serviceDate: string, quantity = 1) => [
    prior({ serviceCode: 'LAB-MRDT', serviceDate, quantity }),
  ];

  it('FREQUENCY_LIMIT: trims the quantity to what is left in the period', () => {
    const d = decide(weekly, tests(3), { history: earlier('2026-03-08') });
    expect(d.lines[0]).toMatchObject({
      status: 'adjusted',
      approvedQuantity: 1,
      approved: 30000,
      reasonCodes: [ReasonCode.FrequencyLimit],
    });
  });

  it('FREQUENCY_LIMIT: rejects when nothing is left', () => {
    const d = decide(weekly, tests(1), { history: earlier('2026-03-10', 2) });
    expect(d.lines[0]).toMatchObject({
      status: 'rejected',
      approvedQuantity: 0,
      reasonCodes: [ReasonCode.FrequencyLimit],
    });
  });

  it('FREQUENCY_LIMIT: a test 7 days back has left the rolling window; later service dates are not counted', () => {
    expect(decide(weekly, tests(2), { history: earlier('2026-03-07', 2) }).lines[0].status).toBe('approved');
    expect(decide(weekly, tests(2), { history: earlier('2026-03-20', 2) }).lines[0].status).toBe('approved');
  });

  it('FREQUENCY_LIMIT: two lines of the same code share the allowance in lineNo order', () => {
    const lines = [line(1, 'LAB-MRDT'), line(2, 'LAB-MRDT', { quantity: 2 })];
    const d = decide(weekly, { lines });
    expect(d.lines.map((l) => l.approvedQuantity)).toEqual([1, 1]);
    expect(d.lines[1].reasonCodes).toEqual([ReasonCode.FrequencyLimit]);
  });

  it('applies the maximum per line before the frequency limit', () => {
    const rules = {
      tariff: { 'LAB-MRDT': { maxQuantityPerLine: 2, frequency: { max: 1, period: { calendar: 'year' } } } },
    };
    expect(decide(rules, tests(3)).lines[0]).toMatchObject({
      approvedQuantity: 1,
      reasonCodes: [ReasonCode.QuantityAboveMaximum, ReasonCode.FrequencyLimit],
    });
  });
});
