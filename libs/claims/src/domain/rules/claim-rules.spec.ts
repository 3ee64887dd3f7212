import { ReasonCode } from '../reason-codes';
import { decide, line, member, prior, OTHER_PROVIDER } from '../testing/adjudication-fixtures';

describe('plan, currency and content rules', () => {
  it('PLAN_NOT_IN_FORCE: a service date outside the plan period rejects the claim; bounds inclusive', () => {
    const m = member({ coverageEnd: '2027-12-31' });
    const late = { serviceDate: '2027-01-01', submittedOn: '2027-01-01' };
    expect(decide({}, late, { member: m }).reasonCodes).toEqual([ReasonCode.PlanNotInForce]);
    const last = { serviceDate: '2026-12-31', submittedOn: '2026-12-31' };
    expect(decide({}, last, { member: m }).status).toBe('approved');
  });

  it("CURRENCY_MISMATCH: a claim in another currency is rejected; the plan's currency passes", () => {
    expect(decide({}, { currency: 'UGX' }).reasonCodes).toEqual([ReasonCode.CurrencyMismatch]);
    expect(decide({}, { currency: 'KES' }).status).toBe('approved');
  });

  it('EXCLUDED_DIAGNOSIS: any diagnosis starting with an excluded prefix rejects the claim', () => {
    const rules = { excludedDiagnoses: ['Z41', 'F10.2'] };
    expect(decide(rules, { diagnoses: ['B50.9', 'z41.1'] }).reasonCodes).toEqual([
      ReasonCode.ExcludedDiagnosis,
    ]);
    expect(decide(rules, { diagnoses: ['F102'] }).reasonCodes).toEqual([ReasonCode.ExcludedDiagnosis]);
  });

  it('EXCLUDED_DIAGNOSIS: a near miss is not excluded', () => {
    const rules = { excludedDiagnoses: ['Z41', 'F10.2'] };
    expect(decide(rules, { diagnoses: ['Z40.0', 'F10.1'] }).status).toBe('approved');
  });

  it('SUBMISSION_LATE: more than the deadline days after the service date is late; the last day is in time', () => {
    const rules = { submissionDeadlineDays: 30 };
    expect(decide(rules, { submittedOn: '2026-04-14' }).reasonCodes).toEqual([ReasonCode.SubmissionLate]);
    expect(decide(rules, { submittedOn: '2026-04-13' }).status).toBe('approved');
  });
});

describe('duplicate claims', () => {
  const earlier = [
    prior({ serviceDate: '2026-03-14' }),
    prior({ serviceDate: '2026-03-14', serviceCode: 'LAB-MRDT' }),
  ];

  it('DUPLICATE_CLAIM: every line repeats one earlier claim of the same provider and date', () => {
    const d = decide({}, {}, { history: earlier });
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([ReasonCode.DuplicateClaim]);
    expect(d.lines[0].reasonCodes).toEqual([ReasonCode.DuplicateClaim, ReasonCode.DuplicateService]);
  });

  it('DUPLICATE_CLAIM: a claim with one new line is not a duplicate claim; the repeated line is', () => {
    const d = decide({}, { lines: [line(1, 'CONS-GP'), line(2, 'DRUG-AL')] }, { history: earlier });
    expect(d.reasonCodes).toEqual([]);
    expect(d.lines.map((l) => l.status)).toEqual(['rejected', 'approved']);
  });

  it('DUPLICATE_CLAIM: lines spread over two earlier claims, or at another provider, are not one duplicate', () => {
    const split = [earlier[0], { ...earlier[1], claimId: 'c00' }];
    expect(decide({}, {}, { history: split }).reasonCodes).toEqual([]);
    const elsewhere = earlier.map((h) => ({ ...h, providerId: OTHER_PROVIDER }));
    expect(decide({}, {}, { history: elsewhere }).reasonCodes).toEqual([]);
  });

  it('DUPLICATE_CLAIM: the claim itself in the history (a re-decision) is ignored', () => {
    const self = earlier.map((h) => ({ ...h, claimId: 'c1' }));
    expect(decide({}, {}, { history: self }).status).toBe('approved');
  });
});
