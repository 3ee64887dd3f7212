import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AccessLogWriter, parseApiKey, type Principal } from '@claimtrail/claims';
import { bearerToken } from '../auth/bearer-token';

/** What a list route adds to its request for the access log: the ids of the page it returned. */
export interface ListAudit {
  subjectIds: string[];
  cursor: string | null;
}

type AuditedRequest = FastifyRequest & { principal?: Principal; listAudit?: ListAudit };

/** Records the ids a list page returned and its next cursor, for the access log. */
export function auditListPage(req: FastifyRequest, subjectIds: string[], cursor: string | null = null): void {
  (req as AuditedRequest).listAudit = { subjectIds, cursor };
}

// Reads named for what they return; any other GET under /v1 is logged as `read`.
const READ_ACTIONS: Record<string, string> = {
  '/v1/claims': 'list_claims',
  '/v1/claims/:id': 'read_claim',
  '/v1/members/:id': 'read_member',
  '/v1/ledger/claims/:id/proof': 'read_proof',
  '/v1/funds': 'list_funds',
  '/v1/funds/:id': 'read_fund',
  '/v1/funds/:id/report': 'read_fund_report',
  '/v1/plans/:id': 'read_plan',
  '/v1/organizations/:id/keys': 'list_keys',
  '/v1/access-log': 'read_access_log',
};
// Public by nature: the chain's head and an organization's published signing key.
const UNLOGGED_READS = new Set(['/v1/ledger/head', '/v1/organizations/:id/public-key']);

/**
 * Logs, as each answer is sent: every read of tenant data under /v1 (GET, whatever its
 * status but 429), and every refusal of any method (401, 403, and 404 on a route naming a subject).
 * The entry is buffered (AccessLogWriter): the answer never waits for the log.
 */
export function registerAccessAudit(fastify: FastifyInstance, writer: AccessLogWriter): void {
  // onSend, not onResponse: the entry is buffered before the caller can see the answer.
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    const status = reply.statusCode;
    // The common case, a write that succeeded (a claim submission), leaves at once.
    if (request.method !== 'GET' && status !== 401 && status !== 403 && status !== 404) return;
    if (!route?.startsWith('/v1/')) return;
    const params = Object.values((request.params ?? {}) as Record<string, unknown>).filter(
      (v): v is string => typeof v === 'string',
    );
    const refused = status === 401 || status === 403 || (status === 404 && params.length > 0);
    const read = request.method === 'GET' && !UNLOGGED_READS.has(route) && status !== 429;
    if (!refused && !read) return;
    const req = request as AuditedRequest;
    const list = req.listAudit;
    writer.record({
      at: new Date().toISOString(),
      action: read && status !== 401 && status !== 403 ? (READ_ACTIONS[route] ?? 'read') : 'refused',
      organizationId: req.principal?.orgId ?? null,
      apiKeyId: req.principal?.keyId ?? null,
      userId: null,
      method: request.method,
      route,
      status,
      subjectIds: list ? list.subjectIds : params,
      subjectCount: list ? list.subjectIds.length : null,
      cursor: list?.cursor ?? null,
      clientAddress: request.ip ?? null,
      keyPrefix: status === 401 ? presentedPrefix(request) : null,
      requestId: String(request.id),
      detail: null,
    });
  });
}

// Only the public prefix of a refused key is kept, never its secret.
function presentedPrefix(request: FastifyRequest): string | null {
  const token = bearerToken(request.headers.authorization);
  return token ? (parseApiKey(token)?.prefix ?? null) : null;
}
