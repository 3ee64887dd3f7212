import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What one access-log row records; its hash covers every field. */
export interface AccessLogEntry {
  /** When it happened (ISO 8601, UTC, milliseconds). */
  at: string;
  /** `read_claim`, `list_claims`, `read_member`, …, `refused`, `key_issued`, `key_rotated`, `key_revoked`. */
  action: string;
  /** The caller's organization; null when no key was recognised (401). */
  organizationId: string | null;
  apiKeyId: string | null;
  /** A person signed in through the console; null for API keys. */
  userId: string | null;
  method: string;
  /** The route pattern, e.g. `/v1/claims/:id`. */
  route: string;
  /** HTTP status of the answer (key events: that of the request that caused them). */
  status: number;
  /** What was read or refused: a claim, member, fund, key or organization id; a list page's returned ids. */
  subjectIds: string[];
  /** How many subjects a list page returned; null for a single read. */
  subjectCount: number | null;
  /** A list page's next cursor (where the caller can go on from); null otherwise. */
  cursor: string | null;
  clientAddress: string | null;
  /** The public prefix of a key that was refused (never the secret). */
  keyPrefix: string | null;
  requestId: string | null;
  /** Anything else an event needs, such as the organization a key belongs to. */
  detail: Record<string, string> | null;
}

/** An entry in its place in the chain. */
export interface ChainedEntry extends AccessLogEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The previous hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 (hex) of the row's sequence, the previous row's hash and the entry, in canonical JSON (RFC 8785). */
export function entryHash(seq: number, prevHash: string, entry: AccessLogEntry): string {
  const content = canonicalize({ v: 1, seq, prevHash, entry: pick(entry) }) as string;
  return createHash('sha256').update(content).digest('hex');
}

/** Chains entries after the row `firstSeq - 1`, whose hash is `prevHash` (null: the chain's start). */
export function chainRows(
  entries: AccessLogEntry[],
  firstSeq: number,
  prevHash: string | null,
): ChainedEntry[] {
  let prev = prevHash ?? GENESIS_HASH;
  return entries.map((entry, i) => {
    const seq = firstSeq + i;
    const hash = entryHash(seq, prev, entry);
    const chained = { ...pick(entry), seq, prevHash: prev, hash };
    prev = hash;
    return chained;
  });
}

/** Where a run of stored rows stops agreeing with the chain, or null. `expected` is the row before them. */
export function firstBreak(
  rows: readonly ChainedEntry[],
  expected: { seq: number; hash: string },
): { seq: number; reason: string } | null {
  let { seq, hash } = expected;
  for (const row of rows) {
    if (row.seq !== seq + 1)
      return { seq: seq + 1, reason: `row missing: the next row holds seq ${row.seq}` };
    if (row.prevHash !== hash)
      return { seq: row.seq, reason: `previous-hash link broken: the row before it hashes to ${hash}` };
    const own = entryHash(row.seq, row.prevHash, row);
    if (own !== row.hash)
      return { seq: row.seq, reason: `content does not match its hash (recomputed ${own})` };
    ({ seq, hash } = row);
  }
  return null;
}

// Exactly the entry's fields, so extra properties of a row never change its hash.
function pick(e: AccessLogEntry): AccessLogEntry {
  return {
    at: e.at,
    action: e.action,
    organizationId: e.organizationId,
    apiKeyId: e.apiKeyId,
    userId: e.userId,
    method: e.method,
    route: e.route,
    status: e.status,
    subjectIds: [...e.subjectIds],
    subjectCount: e.subjectCount,
    cursor: e.cursor,
    clientAddress: e.clientAddress,
    keyPrefix: e.keyPrefix,
    requestId: e.requestId,
    detail: e.detail,
  };
}
