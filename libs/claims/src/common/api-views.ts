import { z } from 'zod';
import { fabricProofBundleSchema, proofBundleSchema, trustAnchorSchema } from '@claimtrail/ledger';
import { API_KEY_SCOPES } from '../access/api-key-scopes';
import { CARE_TYPES, ClaimStatus, ReasonCode, ruleSetSchema } from '../domain';

/**
 * What the API answers, as zod schemas: the one definition the view types derive from (z.infer)
 * and the OpenAPI document describes every response with. Output schemas: an object holds
 * exactly the fields listed, so a field the code adds without adding it here fails the checks.
 */

const id = z.guid();
/** An instant as Date#toISOString writes it. */
const instant = z.iso.datetime();
const day = z.iso.date();
const amount = z.int().describe('Minor units');
const count = z.int().min(0);
const organizationKind = z.enum(['payer', 'provider', 'funder', 'operator']);

// ---- claims -----------------------------------------------------------------------------------

export const claimStatusSchema = z.enum(ClaimStatus);

/** A difference the reconciler found between PostgreSQL and the ledger, as the API shows it. */
export const integrityMismatchSchema = z.object({
  field: z.string(),
  database: z.unknown(),
  ledger: z.unknown(),
  detectedAt: z.string(),
});
export type IntegrityMismatchView = z.infer<typeof integrityMismatchSchema>;

export const integrityStatusSchema = z
  .enum(['ok', 'mismatch'])
  .describe("`mismatch` when PostgreSQL's figures differ from the ledger's; the ledger's are then shown");
export type IntegrityStatus = z.infer<typeof integrityStatusSchema>;

const reasonCodes = z.array(z.enum(ReasonCode));

export const lineDecisionSchema = z.object({
  lineNo: z.int().min(1),
  serviceCode: z.string(),
  category: z.string().describe('Benefit category from the tariff; `unclassified` when not in it'),
  claimed: amount,
  eligible: amount,
  coPayment: amount,
  deductible: amount,
  approved: amount,
  approvedQuantity: count,
  status: z.enum(['approved', 'adjusted', 'rejected', 'pended']),
  reasonCodes,
});

export const decisionTotalsSchema = z.object({
  claimed: amount,
  eligible: amount,
  coPayment: amount,
  deductible: amount,
  approved: amount,
});

/** A claim's current decision, with its revision and any reviewer's note. */
export const claimDecisionSchema = z.object({
  status: z.enum(['approved', 'partially_approved', 'rejected', 'pended']),
  currency: z.string(),
  lines: z.array(lineDecisionSchema),
  totals: decisionTotalsSchema,
  reasonCodes,
  ruleSetHash: z.string(),
  decidedAt: z.string(),
  decidedBy: z.string(),
  revision: z.int().min(1),
  note: z.string().nullable(),
});

/** A claim as its provider or payer reads it. */
export const claimViewSchema = z.object({
  id,
  externalRef: z.string(),
  status: claimStatusSchema,
  revision: count,
  providerId: id,
  payerId: id,
  memberId: id,
  planVersionId: id,
  serviceDate: day,
  careType: z.enum(CARE_TYPES),
  previousClaimId: id.nullable(),
  currency: z.string(),
  diagnoses: z.array(z.string()),
  lines: z.array(
    z.object({
      lineNo: z.int().min(1),
      serviceCode: z.string(),
      quantity: z.int(),
      unitPrice: amount,
      preauthRef: z.string().nullable(),
    }),
  ),
  decision: claimDecisionSchema.nullable(),
  ledger: z
    .object({ txId: z.string(), block: count })
    .nullable()
    .describe('Where the ledger recorded the current decision; null until it has'),
  ledgerRefusal: z
    .object({ code: z.string(), message: z.string(), at: z.string() })
    .nullable()
    .describe(
      'Why the chaincode refused the claim’s payment or decision (payment_refused, decision_refused)',
    ),
  error: z
    .object({ code: z.string(), message: z.string() })
    .nullable()
    .describe('Why adjudication gave up, for a claim in `error`'),
  createdAt: instant,
  updatedAt: instant,
  integrity: integrityStatusSchema,
  mismatches: z.array(integrityMismatchSchema),
});
export type ClaimView = z.infer<typeof claimViewSchema>;

export const claimPageSchema = z.object({
  items: z.array(claimViewSchema),
  nextCursor: z.string().nullable(),
});

/** The answer to a claim submission (202). */
export const acceptedClaimSchema = z.object({ id, status: claimStatusSchema });

/** What submission or voiding did: the claim, and whether it already existed with this very body. */
export const submissionResultSchema = z.object({ id, status: claimStatusSchema, replayed: z.boolean() });
export type SubmissionResult = z.infer<typeof submissionResultSchema>;

/** One claim's answer within a batch submission. */
export const batchItemResultSchema = z.discriminatedUnion('ok', [
  submissionResultSchema.extend({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    externalRef: z.string(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
  }),
]);
export type BatchItemResult = z.infer<typeof batchItemResultSchema>;

export const batchSubmissionSchema = z.object({ results: z.array(batchItemResultSchema) });

/** What a review did: the claim's new status and decision revision. */
export const reviewResultSchema = z.object({ id, status: claimStatusSchema, revision: z.int().min(1) });

/** What a ledger retry did: the claim stays `decision_refused` until the relay records the decision. */
export const ledgerRetryResultSchema = z.object({
  id,
  status: claimStatusSchema,
  revision: z.int().min(1),
  ledger: z.literal('pending'),
});
export type LedgerRetryResult = z.infer<typeof ledgerRetryResultSchema>;

// ---- payments ---------------------------------------------------------------------------------

const paymentFields = {
  claimId: id,
  status: claimStatusSchema,
  amount,
  paymentRef: z.string(),
  attempt: z.int().min(1).describe('1, or more after the ledger refused earlier attempts'),
  allocations: z.array(z.object({ fundId: id, category: z.string(), amount })),
};

/** A payment as POST /v1/claims/{id}/payments answers it (a replay says so in Idempotent-Replayed). */
export const paymentSchema = z.object(paymentFields);

/** What paying one claim did (or, replayed, what it did the first time). */
export const paymentResultSchema = z.object({
  ...paymentFields,
  replayed: z.boolean().describe('True when this answers a repeat of a request already carried out'),
});
export type PaymentResult = z.infer<typeof paymentResultSchema>;

export const paymentBatchSchema = z.object({
  results: z.array(
    z.discriminatedUnion('ok', [
      paymentResultSchema.extend({ ok: z.literal(true) }),
      z.object({
        ok: z.literal(false),
        claimId: id,
        error: z.object({ code: z.string(), message: z.string() }),
      }),
    ]),
  ),
});

// ---- funds ------------------------------------------------------------------------------------

export const fundEarmarksSchema = z.object({
  payerIds: z.array(id).optional(),
  planIds: z.array(id).optional(),
  providerIds: z.array(id).optional(),
  categories: z.array(z.string()).optional(),
});

/** A fund with its balance. */
export const fundViewSchema = z.object({
  id,
  funderId: id,
  name: z.string(),
  currency: z.string(),
  budget: amount.describe('The cap on deposits: the opening deposit and top-ups together never exceed it'),
  total: amount.describe('Deposits so far'),
  allocated: amount,
  remaining: amount,
  period: z.object({ start: day, end: day }),
  earmarks: fundEarmarksSchema,
  ledgerTxId: z.string(),
  createdAt: instant,
  integrity: integrityStatusSchema,
  mismatches: z.array(integrityMismatchSchema),
});
export type FundView = z.infer<typeof fundViewSchema>;

/** One allocation a fund report is built from. */
export const reportEntrySchema = z.object({
  claimId: id,
  providerId: id,
  month: z.string().describe('Service month, YYYY-MM'),
  category: z.string(),
  amount,
  txId: z.string().nullable().describe('Ledger transaction holding the payment, when known'),
});
export type ReportEntry = z.infer<typeof reportEntrySchema>;

/** A figure and the ledger records it is made of. */
export const reportFigureSchema = z.object({
  key: z.string(),
  amount,
  claims: count,
  records: z.array(z.object({ claimId: id, txId: z.string().nullable() })),
});
export type ReportFigure = z.infer<typeof reportFigureSchema>;

/** What a donor reads about a fund: no names, no diagnoses, no service codes. */
export const fundReportSchema = z.object({
  fundId: id,
  currency: z.string(),
  total: amount,
  allocated: amount,
  remaining: amount,
  claims: count,
  byProvider: z.array(reportFigureSchema),
  byCategory: z.array(reportFigureSchema),
  byMonth: z.array(reportFigureSchema),
  entries: z.array(reportEntrySchema),
});
export type FundReport = z.infer<typeof fundReportSchema>;

// ---- plans and members ------------------------------------------------------------------------

export const planVersionViewSchema = z.object({
  id,
  version: z.int().min(1),
  ruleSetHash: z.string(),
  ruleSet: ruleSetSchema,
  publishedAt: instant,
});
export type PlanVersionView = z.infer<typeof planVersionViewSchema>;

export const planViewSchema = z.object({
  id,
  payerId: id,
  name: z.string(),
  createdAt: instant,
  versions: z.array(planVersionViewSchema),
});
export type PlanViewBody = z.infer<typeof planViewSchema>;

export const enrolmentSchema = z.object({
  members: z.array(z.object({ id, memberNumber: z.string() })),
});

export const memberViewSchema = z.object({
  id,
  memberNumber: z.string(),
  planId: id,
  fullName: z.string(),
  birthDate: day,
  sex: z.enum(['F', 'M', 'X']),
  coverageStart: day,
  coverageEnd: day,
  status: z.enum(['active', 'suspended', 'terminated']),
  phone: z.string().nullable(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

// ---- organizations and keys -------------------------------------------------------------------

export const createdOrganizationSchema = z.object({
  id,
  kind: organizationKind,
  name: z.string(),
  signingPublicKey: z.string(),
  createdAt: instant,
  apiKey: z.string().describe('Shown once'),
});
export type CreatedOrganization = z.infer<typeof createdOrganizationSchema>;

export const organizationPublicKeySchema = z.object({
  id,
  kind: organizationKind,
  name: z.string(),
  mspId: z.string(),
  signingPublicKey: z.string(),
});
export type OrganizationPublicKey = z.infer<typeof organizationPublicKeySchema>;

/** Who did something to a key: an organization and its key (both null: the command line). */
export const keyActorSchema = z.object({ organizationId: id.nullable(), keyId: id.nullable() });
export type KeyActor = z.infer<typeof keyActorSchema>;

/** An API key as its owner sees it: never the secret, which only exists at issue time. */
export const apiKeyViewSchema = z.object({
  id,
  prefix: z.string(),
  label: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  createdAt: instant,
  issuedBy: keyActorSchema,
  revokedAt: instant.nullable(),
  revokedBy: keyActorSchema.nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

export const issuedApiKeySchema = apiKeyViewSchema.extend({ apiKey: z.string().describe('Shown once') });
export type IssuedApiKey = z.infer<typeof issuedApiKeySchema>;

export const rotatedApiKeySchema = z.object({ previous: apiKeyViewSchema, current: issuedApiKeySchema });
export type RotatedApiKey = z.infer<typeof rotatedApiKeySchema>;

// ---- access log -------------------------------------------------------------------------------

/** One entry of the access log, as the operator reads it. */
export const accessLogViewSchema = z.object({
  id: z.int().min(1).describe("The entry's place in the chain; `before` pages by it"),
  claimId: id.nullable(),
  hash: z.string(),
  at: z.string(),
  action: z.string(),
  organizationId: id.nullable(),
  apiKeyId: id.nullable(),
  userId: z.string().nullable(),
  method: z.string(),
  route: z.string(),
  status: z.int(),
  subjectIds: z.array(z.string()),
  subjectCount: z.int().nullable(),
  cursor: z.string().nullable(),
  clientAddress: z.string().nullable(),
  keyPrefix: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.string()).nullable(),
});
export type AccessLogView = z.infer<typeof accessLogViewSchema>;

// ---- ledger -----------------------------------------------------------------------------------

export const ledgerHeadSchema = z.object({
  height: count,
  blockNumber: count,
  blockHash: z.string(),
  signature: z.string().optional().describe("Embedded ledger: the head signed with the ledger's head key"),
});

/** A proof of a claim's decision or payment, from the embedded ledger or from Fabric. */
export const proofSchema = z.union([proofBundleSchema, fabricProofBundleSchema]);

export { trustAnchorSchema };
