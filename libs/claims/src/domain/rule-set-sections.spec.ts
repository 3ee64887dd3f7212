import { DomainError } from './domain.error';
import { contractedProviderIds, publishRuleSet } from './rule-set';

const P = '7d5c1f1e-8a4b-4c1e-9a7e-3f0b7f6c2a11';
const Q = '0b9f5a3c-2d1e-4f6a-8b7c-9d0e1f2a3b4c';
const issue2 = () => ({
  currency: 'KES',
  coverage: { start: '2026-01-01', end: '2026-12-31' },
  contractedProviders: [P] as unknown[],
  tariff: { X01: { unitPrice: 100, category: 'outpatient' } } as Record<string, Record<string, unknown>>,
});
const withEntry = (entry: Record<string, unknown>) => ({
  ...issue2(),
  tariff: { X01: { unitPrice: 100, category: 'outpatient', ...entry } },
});

function problems(candidate: unknown): string[] {
  try {
    publishRuleSet(candidate);
  } catch (err) {
    if (err instanceof DomainError) return err.details.map((d) => `${d.field} ${d.rule}`);
    throw err;
  }
  return [];
}

const full = {
  ...issue2(),
  contractedProviders: [
    P,
    { providerId: Q, from: '2026-03-01', to: '2026-09-30', careTypes: ['outpatient'] },
  ],
  tariff: {
    'ANC-VISIT': {
      unitPrice: 100000,
      category: 'maternity',
      careTypes: ['outpatient'],
      maxQuantityPerLine: 1,
      frequency: { max: 8, period: { calendar: 'year' } },
      sex: 'F',
      minAge: 12,
      maxAge: 55,
      requiredDiagnoses: ['Z34', 'O'],
      incompatibleDiagnoses: ['O00'],
      preauthRequired: false,
      visitKind: 'antenatal',
    },
  },
  excludedDiagnoses: ['Z41.1'],
  waitingPeriods: { days: 30, categories: { maternity: 270 } },
  visitLimits: {
    admissions: { max: 2, period: { rollingDays: 365 } },
    antenatalContacts: { max: 8, period: { calendar: 'year' } },
  },
  limits: { perVisit: 5000000, annual: 50000000, categories: { maternity: 10000000 } },
  deductible: { annual: 100000 },
  coPayment: { percent: 12.5, fixed: 5000, cap: 200000 },
  review: { threshold: 2000000, averageMultiple: 2.5, samplingPercent: 0.5 },
  submissionDeadlineDays: 90,
  maxResubmissions: 2,
};

describe('rule-set additions', () => {
  it('keeps an issue-2 rule set valid with the same canonical hash', () => {
    expect(publishRuleSet(issue2()).ruleSetHash).toBe(
      'a06ac80b21a547bcd5dafd77ceb6e551adc32b2def4e9bdd35cb32123c50e6d1',
    );
  });

  it('accepts every new key', () => {
    expect(problems(full)).toEqual([]);
    expect(contractedProviderIds(publishRuleSet(full).ruleSet)).toEqual([P, Q]);
  });

  it.each([
    [
      withEntry({ careTypes: ['spa'] }),
      'ruleSet.tariff.X01.careTypes.0 must be one of outpatient, inpatient, emergency',
    ],
    [withEntry({ careTypes: [] }), 'ruleSet.tariff.X01.careTypes must name at least one care type'],
    [
      withEntry({ maxQuantityPerLine: 0 }),
      'ruleSet.tariff.X01.maxQuantityPerLine must be an integer from 1 to 1000000',
    ],
    [
      withEntry({ frequency: { max: 2, period: { calendar: 'week' } } }),
      'ruleSet.tariff.X01.frequency.period must be { rollingDays: n } or { calendar: "year" | "month" }',
    ],
    [
      withEntry({ frequency: { max: 2, period: { rollingDays: 0 } } }),
      'ruleSet.tariff.X01.frequency.period.rollingDays must be an integer from 1 to 3660',
    ],
    [withEntry({ sex: 'X' }), 'ruleSet.tariff.X01.sex must be F or M'],
    [withEntry({ minAge: 56, maxAge: 55 }), 'ruleSet.tariff.X01.maxAge must not be below minAge'],
    [withEntry({ minAge: -1 }), 'ruleSet.tariff.X01.minAge must be an integer from 0 to 150'],
    [
      withEntry({ requiredDiagnoses: ['b50'] }),
      'ruleSet.tariff.X01.requiredDiagnoses.0 must be an ICD-10 code prefix such as B50',
    ],
    [
      withEntry({ incompatibleDiagnoses: [] }),
      'ruleSet.tariff.X01.incompatibleDiagnoses must name at least one diagnosis prefix',
    ],
    [withEntry({ preauthRequired: 'yes' }), 'ruleSet.tariff.X01.preauthRequired must be true or false'],
    [
      withEntry({ visitKind: 'spa' }),
      'ruleSet.tariff.X01.visitKind must be one of consultation, surgery, delivery, antenatal',
    ],
    [
      { ...issue2(), contractedProviders: [{ providerId: 'x' }] },
      'ruleSet.contractedProviders.0.providerId must be an organization id (UUID)',
    ],
    [
      { ...issue2(), contractedProviders: [{ providerId: P, from: '2026-05-01', to: '2026-04-30' }] },
      'ruleSet.contractedProviders.0.to must not be before from',
    ],
    [
      { ...issue2(), contractedProviders: [P, { providerId: P }] },
      'ruleSet.contractedProviders must not repeat a provider',
    ],
    [
      { ...issue2(), contractedProviders: [7] },
      'ruleSet.contractedProviders.0 must be an organization id (UUID) or { providerId, from?, to?, careTypes? }',
    ],
    [
      { ...issue2(), excludedDiagnoses: Array(1001).fill('Z41') },
      'ruleSet.excludedDiagnoses must name at most 1000 diagnosis prefixes',
    ],
    [
      { ...issue2(), waitingPeriods: { days: -1 } },
      'ruleSet.waitingPeriods.days must be an integer from 0 to 3660',
    ],
    [
      { ...issue2(), waitingPeriods: { categories: { spa: 3 } } },
      'ruleSet.waitingPeriods.categories.spa is not a known field',
    ],
    [
      { ...issue2(), visitLimits: { surgeries: { max: 1.5, period: { calendar: 'year' } } } },
      'ruleSet.visitLimits.surgeries.max must be an integer from 0 to 1000000',
    ],
    [
      { ...issue2(), limits: { annual: -1 } },
      'ruleSet.limits.annual must be a non-negative integer (minor units)',
    ],
    [
      { ...issue2(), deductible: {} },
      'ruleSet.deductible.annual must be a non-negative integer (minor units)',
    ],
    [
      { ...issue2(), coPayment: { percent: 101 } },
      'ruleSet.coPayment.percent must be a number from 0 to 100',
    ],
    [
      { ...issue2(), coPayment: { percent: 12.345 } },
      'ruleSet.coPayment.percent must have at most two decimals (basis points)',
    ],
    [
      { ...issue2(), review: { averageMultiple: 1 } },
      'ruleSet.review.averageMultiple must be a number above 1 and at most 1000',
    ],
    [
      { ...issue2(), review: { samplingPercent: -1 } },
      'ruleSet.review.samplingPercent must be a number from 0 to 100',
    ],
    [
      { ...issue2(), submissionDeadlineDays: 0 },
      'ruleSet.submissionDeadlineDays must be an integer from 1 to 3660',
    ],
    [{ ...issue2(), maxResubmissions: -1 }, 'ruleSet.maxResubmissions must be an integer from 0 to 100'],
  ])('refuses %j', (candidate, expected) => {
    expect(problems(candidate)).toContain(expected);
  });
});
