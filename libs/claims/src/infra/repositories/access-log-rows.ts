import type { ChainedEntry } from '../../domain/access-log-chain';

/** Every column of an access-log row, in the order the chain needs. */
export const ACCESS_LOG_COLUMNS = `seq, at, action, organization_id, api_key_id, user_id, method, route, status,
  subject_ids, subject_count, cursor, client_address, key_prefix, request_id, detail, prev_hash, hash`;

/** A stored row as the chained entry its hash covers. */
export function chainedEntryOf(r: Record<string, unknown>): ChainedEntry {
  return {
    seq: Number(r.seq),
    at: (r.at as Date).toISOString(),
    action: r.action as string,
    organizationId: (r.organization_id as string | null) ?? null,
    apiKeyId: (r.api_key_id as string | null) ?? null,
    userId: (r.user_id as string | null) ?? null,
    method: r.method as string,
    route: r.route as string,
    status: Number(r.status),
    subjectIds: (r.subject_ids as string[] | null) ?? [],
    subjectCount: r.subject_count === null || r.subject_count === undefined ? null : Number(r.subject_count),
    cursor: (r.cursor as string | null) ?? null,
    clientAddress: (r.client_address as string | null) ?? null,
    keyPrefix: (r.key_prefix as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    detail: (r.detail as Record<string, string> | null) ?? null,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}
