import fc from 'fast-check';
import { CARE_TYPES } from '../claim';
import { publishRuleSet, type RuleSet } from '../rule-set';
import { PROVIDER } from './adjudication-fixtures';

/** Codes the generated tariffs price; claims also use one that no tariff has. */
export const CODES = ['C1', 'C2', 'C3', 'C4', 'C5'] as const;
const CATEGORIES = ['outpatient', 'laboratory', 'pharmacy', 'maternity'] as const;
/** Diagnoses claims carry, and the prefixes rules name, chosen so that some match. */
export const DIAGNOSES = ['B50.9', 'Z34.0', 'O82', 'J06', 'A09'] as const;
const PREFIXES = ['B50', 'Z34', 'O', 'J0', 'A'] as const;

/** Absent four times in five: each restriction is rare, so most claims get through to the money rules. */
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/** Present four times in five. */
const often = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: arb });
const period = fc.oneof(
  fc.record({ rollingDays: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ calendar: fc.constantFrom('year' as const, 'month' as const) }),
);
/** A percentage with at most two decimals. */
const basisPoints = fc.integer({ min: 0, max: 10000 }).map((bp) => bp / 100);
const countLimit = fc.record({ max: fc.integer({ min: 0, max: 6 }), period });
/** An amount from 0 to `max` minor units. */
export const money = (max: number) => fc.integer({ min: 0, max });

/** Tariff entries; `orderFree` leaves out the frequency limit, which later lines of a claim share. */
const tariffEntry = (orderFree: boolean) =>
  fc
    .record(
      {
        unitPrice: money(200000),
        category: fc.constantFrom(...CATEGORIES),
        careTypes: opt(fc.subarray([...CARE_TYPES], { minLength: 1 })),
        maxQuantityPerLine: opt(fc.integer({ min: 1, max: 4 })),
        frequency: orderFree
          ? fc.constant(undefined)
          : opt(fc.record({ max: fc.integer({ min: 1, max: 5 }), period })),
        sex: opt(fc.constantFrom('F' as const, 'M' as const)),
        ages: opt(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))),
        requiredDiagnoses: opt(fc.subarray([...PREFIXES], { minLength: 1 })),
        incompatibleDiagnoses: opt(fc.subarray([...PREFIXES], { minLength: 1 })),
        preauthRequired: opt(fc.boolean()),
        visitKind: opt(
          fc.constantFrom(
            'consultation' as const,
            'surgery' as const,
            'delivery' as const,
            'antenatal' as const,
          ),
        ),
      },
      { requiredKeys: ['unitPrice', 'category'] },
    )
    .map(({ ages, ...entry }) =>
      ages ? { ...entry, minAge: Math.min(...ages), maxAge: Math.max(...ages) } : entry,
    );

/**
 * Valid rule sets. `orderFree` leaves out every rule consumed line by line (money limits,
 * deductible, fixed co-payment and cap, frequency and visit-kind limits), so line order cannot matter.
 */
export const ruleSetArb = (orderFree = false): fc.Arbitrary<RuleSet> =>
  fc
    .record(
      {
        tariff: fc.tuple(...CODES.map(() => tariffEntry(orderFree))),
        contractedProviders: fc.constantFrom<unknown[]>(
          [PROVIDER],
          [PROVIDER],
          [PROVIDER],
          [{ providerId: PROVIDER, from: '2026-02-01', careTypes: ['outpatient', 'emergency'] }],
        ),
        excludedDiagnoses: opt(fc.subarray(['A09', 'J06'], { minLength: 1 })),
        waitingPeriods: opt(
          fc.record(
            {
              days: opt(fc.integer({ min: 0, max: 60 })),
              categories: opt(fc.record({ maternity: fc.integer({ min: 0, max: 300 }) })),
            },
            { requiredKeys: [] },
          ),
        ),
        visitLimits: opt(
          orderFree
            ? fc.record(
                { admissions: opt(countLimit), outpatientVisits: opt(countLimit) },
                { requiredKeys: [] },
              )
            : fc.record(
                {
                  admissions: countLimit,
                  outpatientVisits: countLimit,
                  consultations: countLimit,
                  surgeries: countLimit,
                  deliveries: countLimit,
                  antenatalContacts: countLimit,
                },
                { requiredKeys: [] },
              ),
        ),
        limits: orderFree
          ? fc.constant(undefined)
          : often(
              fc.record(
                {
                  perVisit: money(400000),
                  annual: money(1000000),
                  categories: fc.record(
                    { laboratory: money(200000), pharmacy: money(200000) },
                    { requiredKeys: [] },
                  ),
                },
                { requiredKeys: [] },
              ),
            ),
        deductible: orderFree ? fc.constant(undefined) : often(fc.record({ annual: money(300000) })),
        coPayment: often(
          orderFree
            ? fc.record({ percent: basisPoints }, { requiredKeys: [] })
            : fc.record(
                { percent: basisPoints, fixed: money(100000), cap: money(200000) },
                { requiredKeys: [] },
              ),
        ),
        review: opt(
          fc.record(
            {
              threshold: money(600000),
              averageMultiple: fc.integer({ min: 101, max: 500 }).map((h) => h / 100),
              samplingPercent: fc.integer({ min: 0, max: 100 }),
            },
            { requiredKeys: [] },
          ),
        ),
        submissionDeadlineDays: opt(fc.integer({ min: 1, max: 90 })),
      },
      { requiredKeys: ['tariff', 'contractedProviders'] },
    )
    .map(({ tariff, ...rest }) => {
      // The JSON round trip drops the undefined keys opt() leaves, as a stored rule set would not have them.
      const candidate = JSON.parse(
        JSON.stringify({ currency: 'KES', coverage: { start: '2026-01-01', end: '2026-12-31' }, ...rest }),
      );
      candidate.tariff = Object.fromEntries(
        CODES.map((code, i) => [code, JSON.parse(JSON.stringify(tariff[i]))]),
      );
      return publishRuleSet(candidate).ruleSet;
    });
