import { z } from 'zod';

/**
 * The dates the platform accepts, birth dates to coverage ends: anything outside is a typing
 * mistake or a probe, and some of it (year 0) PostgreSQL cannot store at all.
 */
export const DATE_RANGE = { min: '1900-01-01', max: '2199-12-31' } as const;

/** A real calendar date written YYYY-MM-DD, within {@link DATE_RANGE}. */
export const isoDate = z
  .string({ error: 'must be a date string (YYYY-MM-DD)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date')
  .refine(
    // Only a well-formed date is compared; a malformed one already has its own message.
    (s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || (s >= DATE_RANGE.min && s <= DATE_RANGE.max),
    `must be between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
  );

/** An amount in integer minor units. */
export const minorUnits = z
  .number({ error: 'must be a non-negative integer (minor units)' })
  .int('must be a non-negative integer (minor units)')
  .min(0, 'must be a non-negative integer (minor units)')
  .max(1e12, 'must be at most 1000000000000 minor units');

/** An ISO 4217 currency code. */
export const currencyCode = z
  .string({ error: 'must be an ISO 4217 code such as KES' })
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as KES');

/** A service code as the catalogue writes them. */
export const serviceCode = z
  .string({ error: 'must be a service code string' })
  .regex(/^[A-Z0-9][A-Z0-9.-]{0,31}$/, 'must be a service code (A-Z, 0-9, . and -)');

/** A zod issue's path and message; a refused record key reports the key's own rule. */
export function zodIssueDetail(
  issue: z.core.$ZodIssue,
  root: readonly string[] = [],
): { field: string; rule: string } {
  const path = [...root, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys')
    return { field: [...path, issue.keys[0]].join('.'), rule: 'is not a known field' };
  const nested = issue.code === 'invalid_key' ? issue.issues[0] : undefined;
  return { field: path.join('.') || 'body', rule: nested?.message ?? issue.message };
}

/**
 * Free text a person typed (names, labels, notes): trimmed, bounded, and without control
 * characters, which PostgreSQL cannot store (NUL) or which only serve to spoof logs.
 */
export const freeText = (max: number, opts: { multiline?: boolean } = {}) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(
      // eslint-disable-next-line no-control-regex
      opts.multiline ? /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/ : /^[^\u0000-\u001f\u007f]*$/,
      'must not contain control characters',
    );
