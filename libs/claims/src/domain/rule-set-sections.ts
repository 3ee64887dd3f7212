import { z } from 'zod';
import { CARE_TYPES } from './claim';
import { isoDate, minorUnits } from './schema-primitives';

/** Benefit categories a tariff line can fall under. */
export const BENEFIT_CATEGORIES = [
  'outpatient',
  'inpatient',
  'laboratory',
  'imaging',
  'pharmacy',
  'maternity',
  'dental',
  'preventive',
  'family_planning',
  'procedures',
] as const;

/** Kinds of visit a tariff code can count as, for the visit limits. */
export const VISIT_KINDS = ['consultation', 'surgery', 'delivery', 'antenatal'] as const;

/** A kind of visit a tariff code counts as. */
export type VisitKind = (typeof VISIT_KINDS)[number];

/** Longest period or waiting time a rule may name: ten years, so dates stay small. */
const MAX_DAYS = 3660;

/** An integer in [min, max], with one message naming the range. */
export const intIn = (min: number, max: number) => {
  const message = `must be an integer from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

/** A set of care types: non-empty, no repeats. */
export const careTypes = z
  .array(z.enum(CARE_TYPES, { error: `must be one of ${CARE_TYPES.join(', ')}` }))
  .min(1, 'must name at least one care type')
  .refine((a) => new Set(a).size === a.length, 'must not repeat a care type');

/** A benefit category name. */
export const benefitCategory = z.enum(BENEFIT_CATEGORIES, {
  error: `must be one of ${BENEFIT_CATEGORIES.join(', ')}`,
});

/** ICD-10 code prefixes ("O", "B50", "Z34.0"); matching ignores the dot. */
export const diagnosisPrefixes = z
  .array(
    z
      .string({ error: 'must be an ICD-10 code prefix such as B50' })
      .regex(
        /^[A-Z]([0-9A-Z]{0,2}|[0-9A-Z]{2}\.?[0-9A-Z]{1,4})$/,
        'must be an ICD-10 code prefix such as B50',
      ),
  )
  .min(1, 'must name at least one diagnosis prefix')
  .max(1000, 'must name at most 1000 diagnosis prefixes');

/** A counting period: a rolling number of days, or the calendar year or month, ending on the service date. */
export const period = z.union(
  [
    z.strictObject({ rollingDays: intIn(1, MAX_DAYS) }),
    z.strictObject({
      calendar: z.enum(['year', 'month'], { error: 'must be year or month' }),
    }),
  ],
  { error: 'must be { rollingDays: n } or { calendar: "year" | "month" }' },
);

/** A counting period (see {@link period}). */
export type Period = z.output<typeof period>;

/** A number of units or visits allowed in a period. */
export const countLimit = (min: number) => z.strictObject({ max: intIn(min, 1_000_000), period });

/** One tariff code: price, category and the restrictions that apply to it. */
export const tariffEntry = z
  .strictObject({
    unitPrice: minorUnits,
    category: benefitCategory,
    careTypes: careTypes.optional(),
    maxQuantityPerLine: intIn(1, 1_000_000).optional(),
    frequency: countLimit(1).optional(),
    sex: z.enum(['F', 'M'], { error: 'must be F or M' }).optional(),
    minAge: intIn(0, 150).optional(),
    maxAge: intIn(0, 150).optional(),
    requiredDiagnoses: diagnosisPrefixes.optional(),
    incompatibleDiagnoses: diagnosisPrefixes.optional(),
    preauthRequired: z.boolean({ error: 'must be true or false' }).optional(),
    visitKind: z.enum(VISIT_KINDS, { error: `must be one of ${VISIT_KINDS.join(', ')}` }).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.minAge !== undefined && t.maxAge !== undefined && t.minAge > t.maxAge) {
      ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'must not be below minAge' });
    }
  });

/** A provider's contract: the whole plan and every care type, or bounded by dates and care types. */
export const contractedProvider = z.union(
  [
    z.uuid({ error: 'must be an organization id (UUID)' }),
    z
      .strictObject({
        providerId: z.uuid({ error: 'must be an organization id (UUID)' }),
        from: isoDate.optional(),
        to: isoDate.optional(),
        careTypes: careTypes.optional(),
      })
      .superRefine((c, ctx) => {
        if (c.from && c.to && c.from > c.to) {
          ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
        }
      }),
  ],
  { error: 'must be an organization id (UUID) or { providerId, from?, to?, careTypes? }' },
);

/** Days from the member's coverage start before anything, or a category, is covered. */
export const waitingPeriods = z.strictObject({
  days: intIn(0, MAX_DAYS).optional(),
  categories: z.partialRecord(benefitCategory, intIn(0, MAX_DAYS)).optional(),
});

/** Visits allowed per period, by kind. */
export const visitLimits = z.strictObject({
  admissions: countLimit(0).optional(),
  outpatientVisits: countLimit(0).optional(),
  consultations: countLimit(0).optional(),
  surgeries: countLimit(0).optional(),
  deliveries: countLimit(0).optional(),
  antenatalContacts: countLimit(0).optional(),
});

/** Money limits in minor units: per claim, per benefit year, per category and benefit year. */
export const limits = z.strictObject({
  perVisit: minorUnits.optional(),
  annual: minorUnits.optional(),
  categories: z.partialRecord(benefitCategory, minorUnits).optional(),
});

/** True when `n` has at most two decimals (so `n × 100` is an exact integer). */
const hundredths = (n: number) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9;

/** The member's co-payment: a percentage (to 0.01 %), a fixed amount per claim, and a cap per claim. */
export const coPayment = z.strictObject({
  percent: z
    .number({ error: 'must be a number from 0 to 100' })
    .min(0, 'must be a number from 0 to 100')
    .max(100, 'must be a number from 0 to 100')
    .refine(hundredths, 'must have at most two decimals (basis points)')
    .optional(),
  fixed: minorUnits.optional(),
  cap: minorUnits.optional(),
});

/** When a claim is pended for an insurer's review. */
export const review = z.strictObject({
  threshold: minorUnits.optional(),
  averageMultiple: z
    .number({ error: 'must be a number above 1 and at most 1000' })
    .gt(1, 'must be a number above 1 and at most 1000')
    .max(1000, 'must be a number above 1 and at most 1000')
    .refine(hundredths, 'must have at most two decimals')
    .optional(),
  samplingPercent: z
    .number({ error: 'must be a number from 0 to 100' })
    .min(0, 'must be a number from 0 to 100')
    .max(100, 'must be a number from 0 to 100')
    .optional(),
});
