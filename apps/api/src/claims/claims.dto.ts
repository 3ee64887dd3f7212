import { z } from 'zod';
import {
  ClaimStatus,
  currencyCode,
  freeText,
  isoDate,
  minorUnits,
  serviceCode,
} from '@claimtrail/claims/domain';

const ICD10 = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;

/** Body of POST /v1/claims. */
export const submitClaimSchema = z.strictObject({
  externalRef: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9._/-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, . _ / -'),
  payerId: z.uuid({ error: 'must be an organization id (UUID)' }),
  memberNumber: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be 1-32 letters, digits or -'),
  serviceDate: isoDate,
  careType: z
    .enum(['outpatient', 'inpatient', 'emergency'], { error: 'must be outpatient, inpatient or emergency' })
    .optional(),
  currency: currencyCode,
  diagnoses: z
    .array(
      z.string({ error: 'must be a string' }).regex(ICD10, 'must be an ICD-10 code such as B54 or J06.9'),
      {
        error: 'must be an array of ICD-10 codes',
      },
    )
    .min(1, 'must hold at least one diagnosis')
    .max(12, 'must hold at most 12 diagnoses'),
  lines: z
    .array(
      z.strictObject({
        serviceCode,
        quantity: z
          .number({ error: 'must be a positive integer' })
          .int('must be a positive integer')
          .min(1, 'must be a positive integer')
          .max(10_000, 'must be at most 10000'),
        unitPrice: minorUnits,
        preauthRef: z
          .string({ error: 'must be a string' })
          .regex(/^[A-Za-z0-9._/-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, . _ / -')
          .optional(),
      }),
      { error: 'must be an array of claim lines' },
    )
    .min(1, 'must hold at least one line')
    .max(100, 'must hold at most 100 lines'),
  previousClaimId: z.uuid({ error: 'must be a claim id (UUID)' }).optional(),
});

/** Body of POST /v1/claims/:id/review. */
export const reviewClaimSchema = z
  .strictObject({
    action: z.enum(['approve', 'adjust', 'reject'], { error: 'must be approve, adjust or reject' }),
    note: freeText(2000, { multiline: true }).optional(),
    lines: z
      .array(
        z.strictObject({
          lineNo: z
            .number({ error: 'must be a line number' })
            .int('must be a line number')
            .min(1, 'must be a line number'),
          approved: minorUnits,
        }),
      )
      .min(1, 'must hold at least one line')
      .max(100, 'must hold at most 100 lines')
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.action === 'adjust' && !b.lines)
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'is required to adjust' });
    if (b.action !== 'adjust' && b.lines)
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'is only allowed to adjust' });
    if (b.action === 'reject' && !b.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'is required to reject' });
  });

export type ReviewClaimBody = z.output<typeof reviewClaimSchema>;

/** Body of POST /v1/claims/batch: an end-of-day file of up to 1,000 claims. */
export const submitBatchSchema = z.strictObject({
  claims: z
    .array(submitClaimSchema, { error: 'must be an array of claims' })
    .min(1, 'must hold at least one claim')
    .max(1000, 'must hold at most 1000 claims')
    .refine(
      (list) => new Set(list.map((c) => c.externalRef)).size === list.length,
      'must not repeat an externalRef',
    ),
});

/** Query of GET /v1/claims. */
export const listClaimsQuerySchema = z.strictObject({
  status: z.enum(Object.values(ClaimStatus) as [ClaimStatus, ...ClaimStatus[]]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A claim id in the path. */
export const claimIdSchema = z.uuid({ error: 'must be a claim id (UUID)' });

export type SubmitClaimBody = z.output<typeof submitClaimSchema>;
