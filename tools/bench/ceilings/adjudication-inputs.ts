import type { AdjudicationContext } from '@claimtrail/claims/domain/adjudicate';
import type {
  CareType,
  ClaimForAdjudication,
  ClaimLine,
  PriorApprovedLine,
} from '@claimtrail/claims/domain/claim';
import { addDays } from '@claimtrail/claims/domain/dates';
import type { PublishedRuleSet } from '@claimtrail/claims/domain/rule-set';
import {
  claim,
  context,
  line,
  member,
  OTHER_PROVIDER,
  plan,
  prior,
  PROVIDER,
  TARIFF,
} from '@claimtrail/claims/domain/testing/adjudication-fixtures';
import { seededRandom } from './ceiling';

/** One call's worth of `adjudicate()` arguments. */
export interface AdjudicationInput {
  claim: ClaimForAdjudication;
  context: AdjudicationContext;
}

/**
 * Plans built on the fixtures' base plan, each switching on a different family of rules so the
 * inputs exercise every rule module: money (co-payment, deductible, limits), counting (visit and
 * frequency limits), eligibility (waiting periods, exclusions, diagnoses, deadline) and review.
 */
function benchPlans(): PublishedRuleSet[] {
  return [
    plan(),
    plan({ coPayment: { percent: 10 }, deductible: { annual: 200000 } }),
    plan({
      limits: { perVisit: 400000, annual: 5000000, categories: { laboratory: 100000, pharmacy: 200000 } },
      coPayment: { percent: 20, fixed: 5000, cap: 50000 },
    }),
    plan({
      visitLimits: {
        outpatientVisits: { max: 12, period: { calendar: 'year' } },
        consultations: { max: 2, period: { rollingDays: 30 } },
        antenatalContacts: { max: 8, period: { calendar: 'year' } },
        deliveries: { max: 1, period: { rollingDays: 300 } },
      },
      tariff: {
        'CONS-GP': { visitKind: 'consultation', frequency: { max: 4, period: { calendar: 'month' } } },
        'ANC-VISIT': { visitKind: 'antenatal', sex: 'F', minAge: 12, maxAge: 55 },
        'DEL-CS': { visitKind: 'delivery', careTypes: ['inpatient', 'emergency'], preauthRequired: true },
      },
    }),
    plan({
      waitingPeriods: { days: 30, categories: { maternity: 270 } },
      excludedDiagnoses: ['A09'],
      submissionDeadlineDays: 30,
      tariff: {
        'DRUG-AL': { requiredDiagnoses: ['B50', 'B54'], maxQuantityPerLine: 3 },
        'LAB-MRDT': { incompatibleDiagnoses: ['Z34'] },
      },
    }),
    plan({
      review: { threshold: 800000, averageMultiple: 3, samplingPercent: 5 },
      contractedProviders: [
        PROVIDER,
        { providerId: OTHER_PROVIDER, from: '2026-02-01', careTypes: ['outpatient', 'emergency'] },
      ],
      tariff: { 'ADM-DAY': { careTypes: ['inpatient'], maxQuantityPerLine: 10 } },
    }),
  ];
}

/** Service codes by care type; an outpatient visit never bills a bed-day, an admission may. */
const CODES_BY_CARE: Readonly<Record<CareType, readonly string[]>> = {
  outpatient: ['CONS-GP', 'LAB-MRDT', 'DRUG-AL', 'ANC-VISIT'],
  inpatient: ['ADM-DAY', 'DEL-CS', 'DRUG-AL', 'LAB-MRDT'],
  emergency: ['CONS-GP', 'LAB-MRDT', 'DRUG-AL', 'ADM-DAY'],
};
const DIAGNOSES = ['B50.9', 'B54', 'J06.9', 'A09', 'Z34.0', 'O82', 'K35.8', 'I10'];
const ALL_CODES = Object.keys(TARIFF);

/**
 * `count` distinct, deterministic claim-and-context pairs over a handful of plans: mostly clean
 * outpatient claims, with the minority of inpatient and emergency visits, over-tariff prices,
 * unknown codes, uncontracted providers, late submissions, suspended or unknown members, member
 * histories and spent accumulators that real traffic has. Same seed, same inputs.
 */
export function buildAdjudicationInputs(count: number, seed = 1): AdjudicationInput[] {
  const rnd = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const plans = benchPlans();

  return Array.from({ length: count }, (_, i): AdjudicationInput => {
    const careType: CareType = chance(0.7) ? 'outpatient' : chance(0.5) ? 'inpatient' : 'emergency';
    const serviceDate = addDays('2026-01-01', int(0, 364));
    const submittedOn = addDays(serviceDate, chance(0.9) ? int(0, 7) : int(8, 60));

    const lines: ClaimLine[] = Array.from({ length: int(1, 6) }, (_, k) => {
      const code = chance(0.04) ? 'IMG-CT-HEAD' : pick(CODES_BY_CARE[careType]);
      const tariffPrice = TARIFF[code]?.unitPrice ?? 1200000;
      return line(k + 1, code, {
        quantity: code === 'ADM-DAY' ? int(1, 7) : int(1, 3),
        unitPrice: chance(0.15) ? Math.round(tariffPrice * (1.1 + rnd() * 0.2)) : tariffPrice,
        preauthRef: code === 'DEL-CS' && chance(0.5) ? `PA-${i}` : undefined,
      });
    });

    const history: PriorApprovedLine[] = Array.from({ length: int(0, 6) }, (_, k) =>
      prior({
        claimId: `bench-history-${i}-${k}`,
        providerId: chance(0.9) ? PROVIDER : OTHER_PROVIDER,
        serviceDate: addDays(serviceDate, -int(1, 330)),
        careType: chance(0.8) ? 'outpatient' : 'inpatient',
        serviceCode: pick(ALL_CODES),
        quantity: int(1, 2),
      }),
    );

    const published = pick(plans);
    return {
      claim: claim({
        id: `bench-claim-${i}`,
        providerId: chance(0.92) ? PROVIDER : OTHER_PROVIDER,
        serviceDate,
        submittedOn,
        careType,
        currency: chance(0.01) ? 'UGX' : 'KES',
        diagnoses: [...new Set(Array.from({ length: int(1, 3) }, () => pick(DIAGNOSES)))],
        lines,
      }),
      context: context(published, {
        member: chance(0.02)
          ? null
          : member({
              id: `bench-member-${i % 400}`,
              status: chance(0.96) ? 'active' : 'suspended',
              coverageStart: chance(0.8) ? '2025-07-01' : addDays('2026-01-01', int(0, 90)),
              birthDate: addDays('1950-01-01', int(0, 74 * 365)),
              sex: chance(0.6) ? 'F' : 'M',
            }),
        history,
        accumulators: {
          annualApproved: int(0, 4000000),
          categoryApproved: { laboratory: int(0, 120000), pharmacy: int(0, 250000) },
          deductibleMet: int(0, 200000),
        },
        review: { diagnosisAverage: chance(0.7) ? int(100000, 400000) : null, samplingDraw: rnd() },
        reviewed: chance(0.05),
        decidedAt: `${submittedOn}T10:00:00.000Z`,
      }),
    };
  });
}
