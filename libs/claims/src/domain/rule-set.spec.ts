import { DomainError } from './domain.error';
import { publishRuleSet } from './rule-set';

const valid = () => ({
  currency: 'KES',
  coverage: { start: '2026-01-01', end: '2026-12-31' },
  contractedProviders: ['7d5c1f1e-8a4b-4c1e-9a7e-3f0b7f6c2a11'],
  tariff: { X01: { unitPrice: 100, category: 'outpatient' } },
});

function problems(candidate: unknown): string[] {
  try {
    publishRuleSet(candidate);
  } catch (err) {
    if (err instanceof DomainError) return err.details.map((d) => `${d.field} ${d.rule}`);
    throw err;
  }
  throw new Error('expected the rule set to be refused');
}

describe('publishRuleSet', () => {
  it('hashes the canonical form, whatever the key order', () => {
    const a = publishRuleSet(valid());
    const reordered = {
      tariff: valid().tariff,
      contractedProviders: valid().contractedProviders,
      coverage: { end: '2026-12-31', start: '2026-01-01' },
      currency: 'KES',
    };
    const b = publishRuleSet(reordered);
    expect(a.ruleSetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.ruleSetHash).toBe(a.ruleSetHash);
    expect(b.canonicalJson).toBe(a.canonicalJson);
  });

  it('changes the hash when a price changes', () => {
    const other = valid();
    other.tariff.X01.unitPrice = 101;
    expect(publishRuleSet(other).ruleSetHash).not.toBe(publishRuleSet(valid()).ruleSetHash);
  });

  it('names the path and the rule of every problem at once', () => {
    const bad = {
      ...valid(),
      tariff: { X01: { unitPrice: -5, category: 'outpatient' }, X02: { unitPrice: 1.5, category: 'spa' } },
      currency: 'kes',
    };
    const found = problems(bad);
    expect(found).toEqual(
      expect.arrayContaining([
        'ruleSet.tariff.X01.unitPrice must be a non-negative integer (minor units)',
        'ruleSet.tariff.X02.unitPrice must be a non-negative integer (minor units)',
        expect.stringMatching(/^ruleSet\.tariff\.X02\.category must be one of/),
        'ruleSet.currency must be an ISO 4217 code such as KES',
      ]),
    );
  });

  it.each([
    [
      { ...valid(), coverage: { start: '2026-12-31', end: '2026-01-01' } },
      'ruleSet.coverage.end must not be before coverage.start',
    ],
    [
      { ...valid(), coverage: { start: '2026-02-30', end: '2026-12-31' } },
      'ruleSet.coverage.start must be a real calendar date',
    ],
    [{ ...valid(), contractedProviders: [] }, 'ruleSet.contractedProviders must name at least one provider'],
    [
      { ...valid(), contractedProviders: ['not-a-uuid'] },
      'ruleSet.contractedProviders.0 must be an organization id (UUID)',
    ],
    [{ ...valid(), tariff: {} }, 'ruleSet.tariff must price at least one service code'],
    [
      { ...valid(), tariff: { 'bad code': { unitPrice: 1, category: 'outpatient' } } },
      'ruleSet.tariff.bad code must be a service code (A-Z, 0-9, . and -)',
    ],
  ])('refuses %j', (candidate, expected) => {
    expect(problems(candidate)).toContain(expected);
  });

  it('refuses unknown keys rather than ignoring them', () => {
    expect(problems({ ...valid(), annualLimit: 5 }).join()).toMatch(/ruleSet/);
  });
});
