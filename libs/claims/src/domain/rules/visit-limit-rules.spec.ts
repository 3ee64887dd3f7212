import { ReasonCode } from '../reason-codes';
import { decide, line, prior } from '../testing/adjudication-fixtures';

const inpatient = { careType: 'inpatient' as const, lines: [line(1, 'ADM-DAY', { quantity: 2 })] };
const admission = (claimId: string, serviceDate: string) =>
  prior({ claimId, serviceDate, careType: 'inpatient', serviceCode: 'ADM-DAY' });

describe('admission and outpatient visit limits', () => {
  const rules = {
    visitLimits: {
      admissions: { max: 2, period: { calendar: 'year' } },
      outpatientVisits: { max: 1, period: { rollingDays: 30 } },
    },
  };

  it('ADMISSION_LIMIT: admissions already used in the year reject an inpatient claim', () => {
    const history = [
      admission('a1', '2026-01-10'),
      admission('a1', '2026-01-11'),
      admission('a2', '2026-02-01'),
    ];
    const d = decide(rules, inpatient, { history });
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([ReasonCode.AdmissionLimit]);
  });

  it('ADMISSION_LIMIT: one admission left (two lines of one claim are one admission; last year does not count)', () => {
    const history = [
      admission('a1', '2026-01-10'),
      admission('a1', '2026-01-11'),
      admission('a0', '2025-12-31'),
    ];
    expect(decide(rules, inpatient, { history }).status).toBe('approved');
  });

  it('OUTPATIENT_VISIT_LIMIT: a visit within the rolling 30 days rejects an outpatient claim', () => {
    const d = decide(rules, {}, { history: [prior({ serviceDate: '2026-02-13' })] });
    expect(d.reasonCodes).toEqual([ReasonCode.OutpatientVisitLimit]);
  });

  it('OUTPATIENT_VISIT_LIMIT: a visit 30 days back has left the window; emergency claims are not limited', () => {
    expect(decide(rules, {}, { history: [prior({ serviceDate: '2026-02-12' })] }).status).toBe('approved');
    const recent = [prior({ serviceDate: '2026-03-13' })];
    expect(decide(rules, { careType: 'emergency' }, { history: recent }).status).toBe('approved');
  });
});

describe('visit-kind limits', () => {
  it('CONSULTATION_LIMIT: trims the quantity to what is left in the calendar month', () => {
    const rules = {
      tariff: { 'CONS-GP': { visitKind: 'consultation' } },
      visitLimits: { consultations: { max: 3, period: { calendar: 'month' } } },
    };
    const history = [prior({ quantity: 2 }), prior({ serviceDate: '2026-02-28', quantity: 5 })];
    const d = decide(rules, { lines: [line(1, 'CONS-GP', { quantity: 2 })] }, { history });
    expect(d.lines[0]).toMatchObject({
      status: 'adjusted',
      approvedQuantity: 1,
      approved: 150000,
      reasonCodes: [ReasonCode.ConsultationLimit],
    });
    const full = decide(rules, { lines: [line(1, 'CONS-GP')] }, { history: [prior({ quantity: 3 })] });
    expect(full.lines[0]).toMatchObject({ status: 'rejected', reasonCodes: [ReasonCode.ConsultationLimit] });
  });

  it('SURGERY_LIMIT: a surgery with none left is rejected; exactly one left passes', () => {
    const rules = {
      tariff: { 'PROC-CIRC': { unitPrice: 500000, category: 'procedures', visitKind: 'surgery' } },
      visitLimits: { surgeries: { max: 1, period: { calendar: 'year' } } },
    };
    const claim = { lines: [line(1, 'PROC-CIRC', { unitPrice: 500000 })] };
    const history = [prior({ serviceCode: 'PROC-CIRC', serviceDate: '2026-01-05' })];
    expect(decide(rules, claim, { history }).lines[0].reasonCodes).toEqual([ReasonCode.SurgeryLimit]);
    expect(decide(rules, claim).lines[0].status).toBe('approved');
  });

  it('DELIVERY_LIMIT: any code of the delivery kind counts, within the rolling period', () => {
    const rules = {
      tariff: {
        'DEL-CS': { visitKind: 'delivery' },
        'DEL-NVD': { unitPrice: 1500000, category: 'maternity', visitKind: 'delivery' },
      },
      visitLimits: { deliveries: { max: 1, period: { rollingDays: 300 } } },
    };
    const claim = { careType: 'inpatient' as const, diagnoses: ['O82'], lines: [line(1, 'DEL-CS')] };
    const nvd = (serviceDate: string) => [
      prior({ serviceCode: 'DEL-NVD', serviceDate, careType: 'inpatient' }),
    ];
    expect(decide(rules, claim, { history: nvd('2025-05-19') }).lines[0].reasonCodes).toEqual([
      ReasonCode.DeliveryLimit,
    ]);
    expect(decide(rules, claim, { history: nvd('2025-05-18') }).lines[0].status).toBe('approved');
  });

  it('ANTENATAL_LIMIT: earlier lines of the same claim use the allowance first (lineNo order)', () => {
    const rules = {
      tariff: { 'ANC-VISIT': { visitKind: 'antenatal' } },
      visitLimits: { antenatalContacts: { max: 8, period: { calendar: 'year' } } },
    };
    const history = [prior({ serviceCode: 'ANC-VISIT', quantity: 7 })];
    const lines = [line(2, 'ANC-VISIT'), line(1, 'ANC-VISIT')];
    const d = decide(rules, { diagnoses: ['Z34.0'], lines }, { history });
    expect(d.lines.map((l) => [l.lineNo, l.status])).toEqual([
      [1, 'approved'],
      [2, 'rejected'],
    ]);
    expect(d.lines[1].reasonCodes).toEqual([ReasonCode.AntenatalLimit]);
  });
});
