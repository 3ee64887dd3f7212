import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { DomainError, DomainErrorCode } from './domain.error';
import { currencyCode, isoDate, minorUnits, serviceCode, zodIssueDetail } from './schema-primitives';

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

const tariffEntry = z.strictObject({
  unitPrice: minorUnits,
  category: z.enum(BENEFIT_CATEGORIES, { error: `must be one of ${BENEFIT_CATEGORIES.join(', ')}` }),
});

/** Schema of a plan version's rule set; validated on publish. */
export const ruleSetSchema = z
  .strictObject({
    currency: currencyCode,
    coverage: z.strictObject({ start: isoDate, end: isoDate }),
    contractedProviders: z
      .array(z.uuid({ error: 'must be an organization id (UUID)' }))
      .min(1, 'must name at least one provider'),
    tariff: z
      .record(serviceCode, tariffEntry)
      .refine((t) => Object.keys(t).length > 0, 'must price at least one service code'),
  })
  .superRefine((rs, ctx) => {
    if (rs.coverage.start > rs.coverage.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['coverage', 'end'],
        message: 'must not be before coverage.start',
      });
    }
    if (new Set(rs.contractedProviders).size !== rs.contractedProviders.length) {
      ctx.addIssue({ code: 'custom', path: ['contractedProviders'], message: 'must not repeat a provider' });
    }
  });

/** A validated rule set: the benefit rules of one immutable plan version. */
export type RuleSet = z.output<typeof ruleSetSchema>;

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
    const details = parsed.error.issues.map((i) => zodIssueDetail(i, ['ruleSet']));
    throw new DomainError(
      DomainErrorCode.InvalidRuleSet,
      details.map((d) => `${d.field} ${d.rule}`).join('; '),
      details,
    );
  }
  const canonicalJson = canonicalize(parsed.data) as string;
  return { ruleSet: parsed.data, canonicalJson, ruleSetHash: sha256Hex(canonicalJson) };
}

/** SHA-256 of a UTF-8 string, lower-case hex. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
