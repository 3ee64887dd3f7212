import fc from 'fast-check';
import { RULES_ENGINE, type AdjudicationContext } from '../adjudicate';
import { CARE_TYPES, type ClaimForAdjudication, type PriorApprovedLine } from '../claim';
import { addDays } from '../dates';
import type { RuleSet } from '../rule-set';
import { OTHER_PROVIDER, PROVIDER } from './adjudication-fixtures';
import { CODES, DIAGNOSES, money } from './rule-set-arbitraries';

const date2026 = fc.integer({ min: 0, max: 364 }).map((d) => addDays('2026-01-01', d));

/** Claims of 1 to 6 lines with distinct lineNos, generated in lineNo order. */
export const claimArb: fc.Arbitrary<ClaimForAdjudication> = fc
  .record({
    serviceDate: date2026,
    lag: fc.integer({ min: 0, max: 30 }),
    careType: fc.constantFrom(...CARE_TYPES),
    providerId: fc.oneof({ weight: 9, arbitrary: fc.constant(PROVIDER) }, fc.constant(OTHER_PROVIDER)),
    diagnoses: fc.subarray([...DIAGNOSES], { minLength: 1 }),
    lines: fc.array(
      fc.record({
        serviceCode: fc.constantFrom(...CODES, 'ZZ-UNKNOWN'),
        quantity: fc.integer({ min: 0, max: 5 }),
        unitPrice: money(250000),
        preauthRef: fc.constantFrom(undefined, null, '', 'PA-1'),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ lag, lines, ...c }) => ({
    ...c,
    id: 'claim-1',
    submittedOn: addDays(c.serviceDate, lag),
    currency: 'KES',
    lines: lines.map((l, i) => ({ ...l, lineNo: i + 1 })),
  }));

const historyArb: fc.Arbitrary<PriorApprovedLine[]> = fc.array(
  fc.record({
    claimId: fc.constantFrom('h1', 'h2', 'h3', 'h4', 'claim-1'),
    providerId: fc.constantFrom(PROVIDER, OTHER_PROVIDER),
    serviceDate: fc.integer({ min: -200, max: 364 }).map((d) => addDays('2026-01-01', d)),
    careType: fc.constantFrom(...CARE_TYPES),
    serviceCode: fc.constantFrom(...CODES),
    quantity: fc.integer({ min: 1, max: 4 }),
  }),
  { maxLength: 5 },
);

/** Contexts over a given rule set: member, history, accumulators and review inputs all generated. */
export const contextArb = (ruleSet: RuleSet): fc.Arbitrary<AdjudicationContext> =>
  fc.record({
    member: fc.option(
      fc.record({
        id: fc.constant('m1'),
        status: fc.oneof(
          { weight: 9, arbitrary: fc.constant('active' as const) },
          fc.constant('suspended' as const),
        ),
        coverageStart: fc.oneof(
          { weight: 4, arbitrary: fc.constant('2025-07-01') },
          fc.integer({ min: 0, max: 100 }).map((d) => addDays('2026-01-01', d)),
        ),
        coverageEnd: fc.oneof({ weight: 9, arbitrary: fc.constant('2026-12-31') }, fc.constant('2026-06-30')),
        birthDate: fc.integer({ min: 0, max: 70 * 365 }).map((d) => addDays('1956-01-01', d)),
        sex: fc.constantFrom('F' as const, 'F' as const, 'M' as const, 'X' as const),
      }),
      { freq: 20, nil: null },
    ),
    ruleSet: fc.constant(ruleSet),
    ruleSetHash: fc.constant('0'.repeat(64)),
    history: historyArb,
    accumulators: fc.record({
      annualApproved: money(1200000),
      categoryApproved: fc.record(
        { laboratory: money(250000), pharmacy: money(250000) },
        { requiredKeys: [] },
      ),
      deductibleMet: money(300000),
    }),
    review: fc.record({
      diagnosisAverage: fc.option(money(400000), { nil: null }),
      samplingDraw: fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((n) => n / 2 ** 48),
    }),
    reviewed: fc.boolean(),
    decidedAt: fc.constant('2026-12-31T00:00:00.000Z'),
    decidedBy: fc.constant(RULES_ENGINE),
  });
