import { ReasonCode } from '../reason-codes';
import { decide, line, member, prior, OTHER_PROVIDER } from '../testing/adjudication-fixtures';

const ancRules = {
  tariff: { 'ANC-VISIT': { sex: 'F', minAge: 12, maxAge: 55, requiredDiagnoses: ['Z34', 'O'] } },
};
const ancClaim = { diagnoses: ['Z34.0'], lines: [line(1, 'CONS-GP'), line(2, 'ANC-VISIT')] };
const ancFor = (over: Parameters<typeof member>[0]) =>
  decide(ancRules, ancClaim, { member: member(over) }).lines[1];

describe('tariff rules', () => {
  it('SERVICE_NOT_IN_TARIFF: an unknown code is rejected, the other lines kept', () => {
    const d = decide({}, { lines: [line(1, 'CONS-GP'), line(2, 'IMG-CT-HEAD')] });
    expect(d.lines[1]).toMatchObject({ status: 'rejected', category: 'unclassified', approvedQuantity: 0 });
    expect(d.lines[1].reasonCodes).toEqual([ReasonCode.ServiceNotInTariff]);
    expect(d.lines[0].status).toBe('approved');
  });

  it('SERVICE_NOT_IN_TARIFF: inherited object keys are not tariff codes', () => {
    expect(decide({}, { lines: [line(1, 'constructor')] }).lines[0].reasonCodes).toEqual([
      ReasonCode.ServiceNotInTariff,
    ]);
  });

  it("CARE_TYPE_NOT_ALLOWED: a code outside the claim's care type is rejected; an allowed one passes", () => {
    const rules = { tariff: { 'ADM-DAY': { careTypes: ['inpatient'] } } };
    const lines = [line(1, 'ADM-DAY')];
    expect(decide(rules, { lines, careType: 'outpatient' }).lines[0].reasonCodes).toEqual([
      ReasonCode.CareTypeNotAllowed,
    ]);
    expect(decide(rules, { lines, careType: 'inpatient' }).lines[0].status).toBe('approved');
  });
});

describe('member restrictions', () => {
  it.each(['M', 'X'] as const)('SEX_RESTRICTION: a service for F is rejected for sex %s', (sex) => {
    expect(ancFor({ sex }).reasonCodes).toEqual([ReasonCode.SexRestriction]);
  });

  it('SEX_RESTRICTION: the allowed sex passes', () => {
    expect(ancFor({ sex: 'F' }).status).toBe('approved');
  });

  it.each([
    ['56 (a day past 55)', '1970-03-14'],
    ['11 (a day short of 12)', '2014-03-15'],
  ])('AGE_RESTRICTION: age %s is rejected', (_, birthDate) => {
    expect(ancFor({ birthDate }).reasonCodes).toEqual([ReasonCode.AgeRestriction]);
  });

  it.each([
    ['55', '1970-03-15'],
    ['12 (birthday on the service date)', '2014-03-14'],
  ])('AGE_RESTRICTION: age %s is within the inclusive bounds', (_, birthDate) => {
    expect(ancFor({ birthDate }).status).toBe('approved');
  });
});

describe('diagnosis rules', () => {
  it('DIAGNOSIS_REQUIRED: no diagnosis with a required prefix rejects the line', () => {
    const d = decide(ancRules, { ...ancClaim, diagnoses: ['B50.9'] });
    expect(d.lines[1].reasonCodes).toEqual([ReasonCode.DiagnosisRequired]);
  });

  it('DIAGNOSIS_REQUIRED: one matching diagnosis among several is enough (dot and case ignored)', () => {
    expect(decide(ancRules, { ...ancClaim, diagnoses: ['B50.9', 'o26.8'] }).lines[1].status).toBe('approved');
    expect(decide(ancRules, { ...ancClaim, diagnoses: ['Z340'] }).lines[1].status).toBe('approved');
  });

  const noAlInPregnancy = { tariff: { 'DRUG-AL': { incompatibleDiagnoses: ['O0'] } } };
  const al = { lines: [line(1, 'DRUG-AL')] };

  it('DIAGNOSIS_INCOMPATIBLE: any diagnosis with an incompatible prefix rejects the line', () => {
    const d = decide(noAlInPregnancy, { ...al, diagnoses: ['B50.9', 'O03.4'] });
    expect(d.lines[0].reasonCodes).toEqual([ReasonCode.DiagnosisIncompatible]);
  });

  it('DIAGNOSIS_INCOMPATIBLE: a diagnosis outside the prefix passes', () => {
    expect(decide(noAlInPregnancy, { ...al, diagnoses: ['B50.9', 'O10'] }).lines[0].status).toBe('approved');
  });
});

describe('duplicate services', () => {
  it('DUPLICATE_SERVICE: the same code on the same date already approved at another provider', () => {
    const history = [prior({ serviceDate: '2026-03-14', providerId: OTHER_PROVIDER })];
    const d = decide({}, {}, { history });
    expect(d.reasonCodes).toEqual([]);
    expect(d.lines[0]).toMatchObject({ status: 'rejected', reasonCodes: [ReasonCode.DuplicateService] });
    expect(d.lines[1].status).toBe('approved');
  });

  it('DUPLICATE_SERVICE: the same code the day before is not a duplicate', () => {
    expect(decide({}, {}, { history: [prior({ serviceDate: '2026-03-13' })] }).status).toBe('approved');
  });
});
