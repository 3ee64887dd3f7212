import { adjudicate, RULES_ENGINE, type AdjudicationContext } from '../adjudicate';
import type { ClaimForAdjudication, ClaimLine, MemberForAdjudication, PriorApprovedLine } from '../claim';
import type { Decision } from '../decision';
import { publishRuleSet, type PublishedRuleSet } from '../rule-set';

/** A contracted provider of the test plan. */
export const PROVIDER = '7d5c1f1e-8a4b-4c1e-9a7e-3f0b7f6c2a11';
/** A provider the test plan does not name. */
export const OTHER_PROVIDER = '0b9f5a3c-2d1e-4f6a-8b7c-9d0e1f2a3b4c';

/** Catalogue prices from data/services.csv, in KES minor units. */
export const TARIFF: Readonly<Record<string, { unitPrice: number; category: string }>> = {
  'CONS-GP': { unitPrice: 150000, category: 'outpatient' },
  'LAB-MRDT': { unitPrice: 30000, category: 'laboratory' },
  'DRUG-AL': { unitPrice: 45000, category: 'pharmacy' },
  'ANC-VISIT': { unitPrice: 100000, category: 'maternity' },
  'DEL-CS': { unitPrice: 6000000, category: 'maternity' },
  'ADM-DAY': { unitPrice: 350000, category: 'inpatient' },
};

/** Rule-set keys to add to the base plan; `tariff` entries are merged into the base entries. */
export type PlanExtras = { tariff?: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** The base plan (2026, KES, one provider, the tariff above) with `extras` applied. */
export function plan(extras: PlanExtras = {}): PublishedRuleSet {
  const { tariff = {}, ...rest } = extras;
  const merged: Record<string, unknown> = { ...TARIFF };
  for (const [code, entry] of Object.entries(tariff)) merged[code] = { ...TARIFF[code], ...entry };
  return publishRuleSet({
    currency: 'KES',
    coverage: { start: '2026-01-01', end: '2026-12-31' },
    contractedProviders: [PROVIDER],
    ...rest,
    tariff: merged,
  });
}

/** An active member, covered for 2026, born 1990-05-20, female. */
export const member = (over: Partial<MemberForAdjudication> = {}): MemberForAdjudication => ({
  id: 'm1',
  status: 'active',
  coverageStart: '2026-01-01',
  coverageEnd: '2026-12-31',
  birthDate: '1990-05-20',
  sex: 'F',
  ...over,
});

/** A line at the tariff price, quantity 1 unless overridden. */
export const line = (lineNo: number, serviceCode: string, over: Partial<ClaimLine> = {}): ClaimLine => ({
  lineNo,
  serviceCode,
  quantity: 1,
  unitPrice: TARIFF[serviceCode]?.unitPrice ?? 100000,
  ...over,
});

/** An outpatient claim of 2026-03-14, submitted the same day, for a consultation and a malaria test. */
export const claim = (over: Partial<ClaimForAdjudication> = {}): ClaimForAdjudication => ({
  id: 'c1',
  providerId: PROVIDER,
  serviceDate: '2026-03-14',
  submittedOn: '2026-03-14',
  careType: 'outpatient',
  currency: 'KES',
  diagnoses: ['B50.9'],
  lines: [line(1, 'CONS-GP'), line(2, 'LAB-MRDT')],
  ...over,
});

/** A line of an earlier approved claim of the member. */
export const prior = (over: Partial<PriorApprovedLine> = {}): PriorApprovedLine => ({
  claimId: 'c0',
  providerId: PROVIDER,
  serviceDate: '2026-03-01',
  careType: 'outpatient',
  serviceCode: 'CONS-GP',
  quantity: 1,
  ...over,
});

/** A context with no history, empty accumulators and a draw that samples nothing. */
export function context(
  published: PublishedRuleSet,
  over: Partial<AdjudicationContext> = {},
): AdjudicationContext {
  return {
    member: member(),
    ruleSet: published.ruleSet,
    ruleSetHash: published.ruleSetHash,
    history: [],
    accumulators: { annualApproved: 0, categoryApproved: {}, deductibleMet: 0 },
    review: { diagnosisAverage: null, samplingDraw: 0.999 },
    decidedAt: '2026-03-15T10:00:00.000Z',
    decidedBy: RULES_ENGINE,
    ...over,
  };
}

/** Adjudicates a test claim against the base plan with `extras`. */
export function decide(
  extras: PlanExtras = {},
  claimOver: Partial<ClaimForAdjudication> = {},
  ctxOver: Partial<AdjudicationContext> = {},
): Decision {
  return adjudicate(claim(claimOver), context(plan(extras), ctxOver));
}
