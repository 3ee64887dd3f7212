import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { DomainError, DomainErrorCode } from './domain.error';
import {
  coPayment,
  diagnosisPrefixes,
  contractedProvider,
  intIn,
  limits,
  review,
  tariffEntry,
  visitLimits,
  waitingPeriods,
} from './rule-set-sections';
import { currencyCode, isoDate, minorUnits, serviceCode, zodIssueDetail } from './schema-primitives';

export { BENEFIT_CATEGORIES, VISIT_KINDS, type Period, type VisitKind } from './rule-set-sections';

/** Largest tariff and provider list a rule set may hold, so one cannot be abusive. */
const MAX_TARIFF_CODES = 10_000;
const MAX_PROVIDERS = 10_000;

/**
 * Schema of a plan version's rule set; validated on publish. Every key beyond currency, coverage,
 * contractedProviders and tariff is optional, so older rule sets publish (and hash) unchanged.
 */
export const ruleSetSchema = z
  .strictObject({
    currency: currencyCode,
    coverage: z.strictObject({ start: isoDate, end: isoDate }),
    contractedProviders: z
      .array(contractedProvider)
      .min(1, 'must name at least one provider')
      .max(MAX_PROVIDERS, `must name at most ${MAX_PROVIDERS} providers`),
    tariff: z
      .record(serviceCode, tariffEntry)
      .refine((t) => Object.keys(t).length > 0, 'must price at least one service code')
      .refine(
        (t) => Object.keys(t).length <= MAX_TARIFF_CODES,
        `must price at most ${MAX_TARIFF_CODES} codes`,
      ),
    excludedDiagnoses: diagnosisPrefixes.optional(),
    waitingPeriods: waitingPeriods.optional(),
    visitLimits: visitLimits.optional(),
    limits: limits.optional(),
    deductible: z.strictObject({ annual: minorUnits }).optional(),
    coPayment: coPayment.optional(),
    review: review.optional(),
    submissionDeadlineDays: intIn(1, 3660).optional(),
    maxResubmissions: intIn(0, 100).optional(),
  })
  .superRefine((rs, ctx) => {
    if (rs.coverage.start > rs.coverage.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['coverage', 'end'],
        message: 'must not be before coverage.start',
      });
    }
    // A bare id already covers every date and care type, so naming it again is a mistake.
    const bare = rs.contractedProviders.filter((p) => typeof p === 'string');
    const all = rs.contractedProviders.map((p) => (typeof p === 'string' ? p : p.providerId));
    if (new Set(bare).size !== bare.length || bare.some((id) => all.indexOf(id) !== all.lastIndexOf(id))) {
      ctx.addIssue({ code: 'custom', path: ['contractedProviders'], message: 'must not repeat a provider' });
    }
  });

/** A validated rule set: the benefit rules of one immutable plan version. */
export type RuleSet = z.output<typeof ruleSetSchema>;

/** One tariff entry of a validated rule set. */
export type TariffEntry = RuleSet['tariff'][string];

/** The distinct provider ids a rule set contracts, in order of first mention. */
export function contractedProviderIds(ruleSet: RuleSet): string[] {
  return [...new Set(ruleSet.contractedProviders.map((p) => (typeof p === 'string' ? p : p.providerId)))];
}

/** A rule set with its canonical serialisation and hash, as stored on publish. */
export interface PublishedRuleSet {
  ruleSet: RuleSet;
  canonicalJson: string;
  ruleSetHash: string;
}

/** Validates a candidate rule set, naming every offending path, and returns it canonicalised and hashed. */
export function publishRuleSet(candidate: unknown): PublishedRuleSet {
  const parsed = ruleSetSchema.safeParse(candidate);
  if (!parsed.success) {
    const details = parsed.error.issues.flatMap(matchedBranch).map((i) => zodIssueDetail(i, ['ruleSet']));
    throw new DomainError(
      DomainErrorCode.InvalidRuleSet,
      details.map((d) => `${d.field} ${d.rule}`).join('; '),
      details,
    );
  }
  const canonicalJson = canonicalize(parsed.data) as string;
  return { ruleSet: parsed.data, canonicalJson, ruleSetHash: sha256Hex(canonicalJson) };
}

/**
 * A union issue whose input has the type of exactly one option (a provider id string, or a
 * contract object) reports that option's own problems, with their paths, rather than "must be
 * one of"; an input matching no option, or several, keeps the union's message.
 */
function matchedBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const typed = issue.errors.filter((e) => !e.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (typed.length !== 1) return [issue];
  return typed[0].flatMap((i) => matchedBranch({ ...i, path: [...issue.path, ...i.path] }));
}

/** SHA-256 of a UTF-8 string, lower-case hex. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
