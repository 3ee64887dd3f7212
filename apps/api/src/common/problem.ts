import { HttpException, HttpStatus } from '@nestjs/common';
import { ZodError } from 'zod';
import { AppErrorCode } from '@claimtrail/claims/application/app.errors';
import { DomainError, DomainErrorCode, zodIssueDetail } from '@claimtrail/claims/domain';

/** One offending field and the rule it breaks. */
export interface FieldProblem {
  field: string;
  rule: string;
}

/** RFC 9457 problem details, as every error of this API is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  correlationId: string;
  errors?: FieldProblem[];
}

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
  [DomainErrorCode.InvalidRuleSet]: [422, 'Invalid rule set'],
  [DomainErrorCode.InvalidTransition]: [409, 'Not allowed in the current state'],
  [DomainErrorCode.MoneyOverflow]: [422, 'Amount out of range'],
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
