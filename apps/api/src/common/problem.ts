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
  [DomainErrorCode.InvalidRuleSet]: [422, 'Invalid rule set'],
  [DomainErrorCode.InvalidTransition]: [409, 'Not allowed in the current state'],
  [DomainErrorCode.MoneyOverflow]: [422, 'Amount out of range'],
};

/** Fastify's own request errors (raised before a handler runs), by their code. */
const FASTIFY: Record<string, [string, string, FieldProblem[]]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed-json', 'Malformed JSON', [{ field: 'body', rule: 'must be valid JSON' }]],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'unsupported-media-type',
    'Unsupported media type',
    [{ field: 'content-type', rule: 'must be application/json' }],
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload-too-large', 'Payload too large', [{ field: 'body', rule: 'must not exceed the size limit' }]],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['empty-body', 'Empty JSON body', [{ field: 'body', rule: 'must not be empty' }]],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad-content-length', 'Bad Content-Length', [{ field: 'content-length', rule: 'must match the body' }]],
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
    return { ...base, type: typeUri('validation_failed'), title: 'Validation failed', status: 400, detail: describe(errors), errors };
  }
  if (err instanceof DomainError) {
    const [status, title] = CODES[err.code] ?? [422, 'Request refused'];
    return { ...base, type: typeUri(err.code), title, status, detail: err.message, errors: err.details.length ? err.details.map((d) => ({ field: d.field ?? 'body', rule: d.rule ?? err.message })) : undefined };
  }
  const fastifyCode = (err as { code?: unknown }).code;
  if (typeof fastifyCode === 'string' && FASTIFY[fastifyCode]) {
    const [slug, title, errors] = FASTIFY[fastifyCode];
    const status = (err as { statusCode?: number }).statusCode ?? 400;
    return { ...base, type: typeUri(slug), title, status, detail: (err as Error).message, errors };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const title = HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase() ?? 'error';
    return { ...base, type: typeUri(`http_${status}`), title: title[0].toUpperCase() + title.slice(1), status, detail: err.message };
  }
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { ...base, type: typeUri(`http_${status}`), title: 'Bad request', status, detail: (err as Error).message };
  }
  return { ...base, type: typeUri('internal'), title: 'Internal error', status: 500, detail: 'The server failed to handle this request; quote the correlation id when reporting it.' };
}

function describe(errors: FieldProblem[]): string {
  return errors.map((e) => `${e.field} ${e.rule}`).join('; ');
}
