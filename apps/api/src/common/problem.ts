import { HttpException, HttpStatus } from '@nestjs/common';
import { z, ZodError } from 'zod';
import { AppErrorCode, RetryLaterError, FieldCipherError } from '@claimtrail/claims';
import { DomainError, DomainErrorCode, zodIssueDetail } from '@claimtrail/claims/domain';
import { LedgerError, type LedgerErrorCode } from '@claimtrail/ledger';

/** One offending field and the rule it breaks. */
export const fieldProblemSchema = z.object({
  field: z.string().describe('The offending field, as a path such as `lines.0.quantity`'),
  rule: z.string().describe('The rule it breaks'),
});
export type FieldProblem = z.infer<typeof fieldProblemSchema>;

/** RFC 9457 problem details, as every error of this API is answered. */
export const problemSchema = z.object({
  type: z.string().describe('A stable URN naming the problem, such as `urn:claimtrail:problem:not-found`'),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string(),
  instance: z.string().describe('The path of the request'),
  correlationId: z.string().describe('The request id (also in X-Request-Id); quote it when reporting'),
  errors: z.array(fieldProblemSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** Media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const typeUri = (code: string) => `urn:claimtrail:problem:${code.replace(/_/g, '-')}`;

/** Status and title of every stable error code. */
const CODES: Record<string, [number, string]> = {
  [AppErrorCode.Unauthenticated]: [401, 'Authentication required'],
  [AppErrorCode.Forbidden]: [403, 'Not allowed for this organization'],
  [AppErrorCode.NotFound]: [404, 'Not found'],
  [AppErrorCode.ExternalRefConflict]: [409, 'External reference already used'],
  [AppErrorCode.InvalidState]: [409, 'Not allowed in the current state'],
  [AppErrorCode.DuplicateMember]: [409, 'Duplicate member'],
  [AppErrorCode.UnknownMember]: [422, 'Unknown member'],
  [AppErrorCode.UnknownServiceCode]: [422, 'Unknown service code'],
  [AppErrorCode.UnknownPlan]: [422, 'Unknown plan'],
  [AppErrorCode.UnknownProvider]: [422, 'Unknown provider'],
  [AppErrorCode.NoPlanVersion]: [422, 'Plan has no published version'],
  [AppErrorCode.InvalidCursor]: [400, 'Invalid cursor'],
  [AppErrorCode.InvalidResubmission]: [422, 'Invalid resubmission'],
  [AppErrorCode.InvalidReview]: [422, 'Invalid review'],
  [AppErrorCode.DecisionNotOnLedger]: [409, 'Decision not on the ledger yet'],
  [AppErrorCode.LedgerMismatch]: [409, 'Differs from the ledger'],
  [AppErrorCode.LedgerIntegrity]: [409, 'Ledger integrity violated'],
  [AppErrorCode.NothingToPay]: [422, 'Nothing to pay'],
  [AppErrorCode.PaymentRefConflict]: [409, 'Payment reference already used'],
  [AppErrorCode.BudgetExceeded]: [422, 'Budget exceeded'],
  [AppErrorCode.KeyInGracePeriod]: [409, 'Key in its rotation grace period'],
  [AppErrorCode.KeyLimitReached]: [422, 'Key limit reached'],
  [AppErrorCode.DateInFuture]: [422, 'Date in the future'],
  [AppErrorCode.InvalidScopes]: [422, 'Invalid scopes'],
  [AppErrorCode.RateLimited]: [429, 'Too many requests'],
  [AppErrorCode.LastAdminKey]: [409, 'Last admin key'],
  [AppErrorCode.AdminKeyExists]: [409, 'Admin key exists'],
  [AppErrorCode.UnstorableClaim]: [422, 'Claim cannot be stored'],
  [DomainErrorCode.InvalidRuleSet]: [422, 'Invalid rule set'],
  [DomainErrorCode.InvalidTransition]: [409, 'Not allowed in the current state'],
  [DomainErrorCode.MoneyOverflow]: [422, 'Amount out of range'],
};

/**
 * Every ledger failure as a problem, never a 500: the transient ones are 503 (with Retry-After), a
 * failure of the ledger network itself 502, a chaincode refusal 409 or 422 by its own code.
 */
const LEDGER_PROBLEMS: Record<LedgerErrorCode, [number, string, string]> = {
  CHAINCODE_REJECTED: [422, 'ledger_refused', 'Refused by the ledger'],
  SIGNING_FAILED: [502, 'ledger_signing_failed', "The organization's ledger identity cannot sign"],
  UNAVAILABLE: [503, 'ledger_unavailable', 'Ledger unavailable'],
  ENDORSEMENT_FAILED: [502, 'ledger_endorsement_failed', 'Ledger endorsement failed'],
  MVCC_CONFLICT: [503, 'ledger_busy', 'Ledger busy'],
  COMMIT_FAILED: [502, 'ledger_commit_failed', 'Ledger commit failed'],
  INTEGRITY_VIOLATION: [409, 'ledger_integrity', 'Ledger integrity violated'],
};

/** Chaincode refusals that conflict with what the ledger holds; the others refuse the input itself (422). */
const CHAINCODE_CONFLICTS = new Set([
  'CONFLICT',
  'FORBIDDEN',
  'FUNDER_MISMATCH',
  'PAYER_MISMATCH',
  'FUND_NOT_FOUND',
  'DECISION_NOT_FOUND',
  'DECISION_NOT_PAYABLE',
  'DECISION_MISMATCH',
  'FUND_OVERSPENT',
]);

/** Chaincode refusals that have a platform problem code of their own. */
const CHAINCODE_PROBLEMS: Record<string, [number, string, string]> = {
  BUDGET_EXCEEDED: [422, AppErrorCode.BudgetExceeded, 'Budget exceeded'],
};

/**
 * Errors Fastify raises before a handler runs (body parsing, size, media type). They reach the
 * filter either raw (with a FST_ code) or wrapped by Nest as an HttpException of the same status.
 */
const TRANSPORT: Record<number, [string, string, FieldProblem]> = {
  400: ['malformed-body', 'Malformed request body', { field: 'body', rule: 'must be valid JSON' }],
  413: ['payload-too-large', 'Payload too large', { field: 'body', rule: 'must not exceed the size limit' }],
  415: [
    'unsupported-media-type',
    'Unsupported media type',
    { field: 'content-type', rule: 'must be application/json' },
  ],
};

/** Field paths as `lines.0.quantity`. */
export function zodProblems(err: ZodError): FieldProblem[] {
  return err.issues.map((i) => zodIssueDetail(i));
}

/** Turns any thrown value into a problem; a 500 never carries internals. */
export function toProblem(err: unknown, instance: string, correlationId: string): Problem {
  const base = { instance, correlationId };
  if (err instanceof ZodError) {
    const errors = zodProblems(err);
    return {
      ...base,
      type: typeUri('validation_failed'),
      title: 'Validation failed',
      status: 400,
      detail: describe(errors),
      errors,
    };
  }
  if (err instanceof LedgerError) return ledgerProblem(err, base);
  if (err instanceof FieldCipherError) {
    // Like a ledger integrity failure: the store holds something its own keys do not vouch for.
    // Nothing of the value, and not which column or row, goes to the caller; the log has both.
    return {
      ...base,
      type: typeUri('stored_data_integrity'),
      title: 'Stored data integrity violated',
      status: 409,
      detail:
        'A protected value stored for this record failed its integrity check (altered, or moved from ' +
        'another record); nothing of it was returned. Quote the correlation id when reporting it.',
    };
  }
  if (err instanceof DomainError) {
    const [status, title] = CODES[err.code] ?? [422, 'Request refused'];
    return {
      ...base,
      type: typeUri(err.code),
      title,
      status,
      detail: err.message,
      errors: err.details.length
        ? err.details.map((d) => ({ field: d.field ?? 'body', rule: d.rule ?? err.message }))
        : undefined,
    };
  }
  const status =
    err instanceof HttpException ? err.getStatus() : (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const detail = err instanceof Error ? err.message : String(err);
    if (status === 429) {
      return { ...base, type: typeUri('rate_limited'), title: 'Too many requests', status, detail };
    }
    const transport = TRANSPORT[status];
    const fromParser =
      status !== 400 ||
      /json|body/i.test(detail) ||
      String((err as { code?: unknown }).code).startsWith('FST_');
    if (transport && fromParser) {
      const [slug, title, field] = transport;
      return {
        ...base,
        type: typeUri(slug),
        title,
        status,
        detail,
        errors: [{ ...field, rule: status === 400 ? detail : field.rule }],
      };
    }
    const name = (HttpStatus[status] ?? 'error').toLowerCase().replace(/_/g, ' ');
    return {
      ...base,
      type: typeUri(`http_${status}`),
      title: name[0].toUpperCase() + name.slice(1),
      status,
      detail,
    };
  }
  if (isUnavailable(err)) {
    return {
      ...base,
      type: typeUri('service_unavailable'),
      title: 'Service unavailable',
      status: 503,
      detail: 'A service the platform depends on is unreachable; retry after the delay in Retry-After.',
    };
  }
  return {
    ...base,
    type: typeUri('internal'),
    title: 'Internal error',
    status: 500,
    detail: 'The server failed to handle this request; quote the correlation id when reporting it.',
  };
}

/** Seconds a client should wait before retrying, for the answers that say so. */
export function retryAfterSeconds(err: unknown, problem: Problem): number | undefined {
  if (err instanceof RetryLaterError) return err.retryAfterSeconds;
  return problem.status === 503 ? 5 : undefined;
}

/** A ledger failure as a problem; a chaincode refusal names its code, field and reason. */
function ledgerProblem(err: LedgerError, base: { instance: string; correlationId: string }): Problem {
  if (err.code === 'CHAINCODE_REJECTED') {
    const code = err.chaincodeCode ?? 'CHAINCODE_REJECTED';
    const [status, slug, title] =
      CHAINCODE_PROBLEMS[code] ??
      (CHAINCODE_CONFLICTS.has(code)
        ? [409, 'ledger_refused', 'Refused by the ledger']
        : LEDGER_PROBLEMS[err.code]);
    const { field, reason } = chaincodeReason(code, err.message);
    return {
      ...base,
      type: typeUri(slug),
      title,
      status,
      detail: `The ledger's chaincode refused this (${code}): ${reason}`,
      errors: [{ field, rule: `${code}: ${reason}` }],
    };
  }
  const [status, slug, title] = LEDGER_PROBLEMS[err.code];
  const detail =
    err.code === 'INTEGRITY_VIOLATION'
      ? "The ledger's store holds data its own chain does not vouch for; nothing was read or written on it."
      : status === 503
        ? 'The ledger could not take this now; retry after the delay in Retry-After.'
        : `The ledger failed (${err.code}); quote the correlation id when reporting it.`;
  return { ...base, type: typeUri(slug), title, status, detail };
}

/**
 * The field and reason of a chaincode refusal, from its message (`CODE field: reason`, possibly
 * inside a Fabric gateway's longer message); the field loses its argument prefix (`topUp.amount`
 * is the request's `amount`).
 */
function chaincodeReason(code: string, message: string): { field: string; reason: string } {
  const escaped = code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(?: ([^\\s:]+))?: ([^;]*)`).exec(message);
  // Without the chaincode's own phrasing, the message is the transport's: not for the client.
  if (!match) return { field: 'body', reason: 'the chaincode refused the request' };
  const field = (match[1] ?? 'body').replace(/^(fund|topUp|records\[\d+\])\./, '');
  return { field, reason: match[2].trim() };
}

function describe(errors: FieldProblem[]): string {
  return errors.map((e) => `${e.field} ${e.rule}`).join('; ');
}

// Connection-level failures of PostgreSQL or Redis: the request may succeed once they are back.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const message = e instanceof Error ? e.message : '';
    if (
      /Connection terminated|connect ECONNREFUSED|Connection is closed|timeout exceeded when trying to connect/i.test(
        message,
      )
    ) {
      return true;
    }
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
