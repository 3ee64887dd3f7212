import { ReasonCode } from '../reason-codes';
import { decide, line, member } from '../testing/adjudication-fixtures';

describe('pre-authorisation', () => {
  const rules = { tariff: { 'DEL-CS': { preauthRequired: true, sex: 'F' } } };
  const cs = (preauthRef?: string | null) => ({
    careType: 'inpatient' as const,
    diagnoses: ['O82'],
    lines: [line(1, 'DEL-CS', { preauthRef }), line(2, 'ADM-DAY', { quantity: 3 })],
  });

  it.each([undefined, null, '', '   '])(
    'PREAUTH_REQUIRED: pends the line quoting %j, keeping its amounts',
    (ref) => {
      const d = decide(rules, cs(ref));
      expect(d.status).toBe('pended');
      expect(d.lines[0]).toMatchObject({
        status: 'pended',
        approved: 6000000,
        reasonCodes: [ReasonCode.PreauthRequired],
      });
      expect(d.lines[1].status).toBe('approved');
      expect(d.totals.approved).toBe(7050000);
    },
  );

  it('PREAUTH_REQUIRED: a quoted reference, or a reviewed claim, is not pended', () => {
    expect(decide(rules, cs('PA-2026-0042')).status).toBe('approved');
    expect(decide(rules, cs(null), { reviewed: true }).status).toBe('approved');
  });

  it('PREAUTH_REQUIRED: a line rejected by another rule is rejected, not pended', () => {
    const d = decide(rules, cs(null), { member: member({ sex: 'M' }) });
    expect(d.lines[0]).toMatchObject({ status: 'rejected', reasonCodes: [ReasonCode.SexRestriction] });
    expect(d.status).toBe('partially_approved');
  });
});

describe('review selection', () => {
  // The default claim approves 180000.
  it('REVIEW_THRESHOLD: an approved total above the threshold pends the claim, lines keep their status', () => {
    const d = decide({ review: { threshold: 179999 } });
    expect(d.status).toBe('pended');
    expect(d.reasonCodes).toEqual([ReasonCode.ReviewThreshold]);
    expect(d.lines.map((l) => l.status)).toEqual(['approved', 'approved']);
    expect(d.totals.approved).toBe(180000);
  });

  it('REVIEW_THRESHOLD: a total equal to the threshold is not above it', () => {
    expect(decide({ review: { threshold: 180000 } }).status).toBe('approved');
  });

  it('REVIEW_ABOVE_AVERAGE: above the multiple of the diagnosis average pends the claim', () => {
    const d = decide(
      { review: { averageMultiple: 2.5 } },
      {},
      { review: { diagnosisAverage: 71999, samplingDraw: 0.9 } },
    );
    expect(d.reasonCodes).toEqual([ReasonCode.ReviewAboveAverage]);
  });

  it('REVIEW_ABOVE_AVERAGE: exactly the multiple, or an unknown average, does not', () => {
    const rules = { review: { averageMultiple: 2.5 } };
    expect(decide(rules, {}, { review: { diagnosisAverage: 72000, samplingDraw: 0.9 } }).status).toBe(
      'approved',
    );
    expect(decide(rules, {}, { review: { diagnosisAverage: null, samplingDraw: 0.9 } }).status).toBe(
      'approved',
    );
  });

  it('REVIEW_SAMPLED: a draw below samplingPercent / 100 pends the claim', () => {
    const d = decide(
      { review: { samplingPercent: 10 } },
      {},
      { review: { diagnosisAverage: null, samplingDraw: 0.0999 } },
    );
    expect(d.reasonCodes).toEqual([ReasonCode.ReviewSampled]);
  });

  it('REVIEW_SAMPLED: a draw equal to the fraction is not sampled; 0 % samples nothing, 100 % everything', () => {
    const draw = (samplingDraw: number) => ({ review: { diagnosisAverage: null, samplingDraw } });
    expect(decide({ review: { samplingPercent: 10 } }, {}, draw(0.1)).status).toBe('approved');
    expect(decide({ review: { samplingPercent: 0 } }, {}, draw(0)).status).toBe('approved');
    expect(decide({ review: { samplingPercent: 100 } }, {}, draw(0.999999)).status).toBe('pended');
  });

  it('skips review selection for a reviewed claim, and for a claim with nothing approved', () => {
    const rules = { review: { threshold: 0, samplingPercent: 100 } };
    expect(decide(rules, {}, { reviewed: true }).status).toBe('approved');
    const rejected = decide(rules, { currency: 'UGX' });
    expect(rejected.status).toBe('rejected');
    expect(rejected.reasonCodes).toEqual([ReasonCode.CurrencyMismatch]);
  });
});
