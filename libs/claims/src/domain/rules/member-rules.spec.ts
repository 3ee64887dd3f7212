import { addDays } from '../dates';
import { ReasonCode } from '../reason-codes';
import { decide, line, member } from '../testing/adjudication-fixtures';

const rejectsAll = (code: ReasonCode) => (d: ReturnType<typeof decide>) => {
  expect(d.status).toBe('rejected');
  expect(d.reasonCodes).toContain(code);
  expect(d.lines.every((l) => l.status === 'rejected' && l.reasonCodes.includes(code))).toBe(true);
  expect(d.totals).toMatchObject({ eligible: 0, approved: 0 });
};

describe('member rules', () => {
  it('MEMBER_NOT_FOUND: an unknown member rejects every line, and no member rule is guessed', () => {
    const d = decide({}, {}, { member: null });
    rejectsAll(ReasonCode.MemberNotFound)(d);
    expect(d.reasonCodes).toEqual([ReasonCode.MemberNotFound]);
  });

  it.each(['suspended', 'terminated'] as const)('MEMBER_NOT_ACTIVE: a %s member is rejected', (status) => {
    rejectsAll(ReasonCode.MemberNotActive)(decide({}, {}, { member: member({ status }) }));
  });

  it('MEMBER_NOT_ACTIVE: an active member passes', () => {
    expect(decide().reasonCodes).toEqual([]);
  });

  it('MEMBER_NOT_COVERED: a service date outside the member coverage is rejected', () => {
    rejectsAll(ReasonCode.MemberNotCovered)(
      decide({}, {}, { member: member({ coverageEnd: '2026-03-13' }) }),
    );
  });

  it('MEMBER_NOT_COVERED: coverage bounds are inclusive', () => {
    const m = member({ coverageStart: '2026-03-14', coverageEnd: '2026-03-14' });
    expect(decide({}, {}, { member: m }).status).toBe('approved');
  });
});

describe('waiting periods', () => {
  const rules = { waitingPeriods: { days: 30, categories: { maternity: 270 } } };
  const anc = { lines: [line(1, 'CONS-GP'), line(2, 'ANC-VISIT')], diagnoses: ['Z34.0'] };

  it('WAITING_PERIOD: a service inside the plan waiting period rejects the claim', () => {
    rejectsAll(ReasonCode.WaitingPeriod)(
      decide(rules, { serviceDate: '2026-01-30', submittedOn: '2026-01-30' }),
    );
  });

  it('WAITING_PERIOD: the day the waiting period ends is covered', () => {
    const d = decide(rules, { serviceDate: '2026-01-31', submittedOn: '2026-01-31' });
    expect(d.reasonCodes).not.toContain(ReasonCode.WaitingPeriod);
    expect(d.lines[0].status).toBe('approved');
  });

  it('WAITING_PERIOD: counts from the member coverage start, not the plan start', () => {
    const m = member({ coverageStart: '2026-03-01' });
    expect(decide(rules, {}, { member: m }).reasonCodes).toEqual([ReasonCode.WaitingPeriod]);
  });

  it('CATEGORY_WAITING_PERIOD: rejects only the lines of the waiting category', () => {
    const d = decide(rules, anc);
    expect(d.status).toBe('partially_approved');
    expect(d.lines[0].status).toBe('approved');
    expect(d.lines[1]).toMatchObject({ status: 'rejected', reasonCodes: [ReasonCode.CategoryWaitingPeriod] });
  });

  it('CATEGORY_WAITING_PERIOD: the day the category waiting period ends is covered', () => {
    const day = addDays('2026-01-01', 270);
    const d = decide(rules, { ...anc, serviceDate: day, submittedOn: day });
    expect(d.lines[1].status).toBe('approved');
    const before = addDays(day, -1);
    expect(decide(rules, { ...anc, serviceDate: before, submittedOn: before }).lines[1].reasonCodes).toEqual([
      ReasonCode.CategoryWaitingPeriod,
    ]);
  });
});
