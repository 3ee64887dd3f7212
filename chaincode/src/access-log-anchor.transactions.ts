import type { Context } from 'fabric-contract-api';
import { requireKind, resolveCaller } from './caller-identity';
import { canonicalBytes, canonicalJson } from './canonical-json';
import { ChaincodeError } from './chaincode.error';
import { readJson } from './ledger-keys';
import type { AccessLogAnchor, AccessLogAnchorOutcome, StoredAccessLogAnchor } from './records';
import { txTimestampIso } from './tx-timestamp';

/** Composite-key object type of access-log anchors. */
export const ACCESS_LOG_ANCHOR_OBJECT_TYPE = 'accessLogAnchor';
/** Event of a RecordAccessLogAnchor that recorded an anchor: `{seq, hash}`. */
export const ACCESS_LOG_ANCHORED_EVENT = 'AccessLogAnchored';

const HASH = /^[0-9a-f]{64}$/;
const MAX_ANCHORS_PER_READ = 1000;

// Zero-padded so a partial-key scan returns anchors in sequence order.
const anchorKey = (ctx: Context, seq: number) =>
  ctx.stub.createCompositeKey(ACCESS_LOG_ANCHOR_OBJECT_TYPE, [String(seq).padStart(16, '0')]);

/** RecordAccessLogAnchor: the operator pins the access log's head; a second, different hash for a sequence is refused. */
export async function recordAccessLogAnchor(ctx: Context, anchorJson: string): Promise<string> {
  const caller = resolveCaller(ctx);
  requireKind(caller, 'operator', 'anchor the access log');
  const anchor = parseAnchor(anchorJson);
  const key = anchorKey(ctx, anchor.seq);
  const existing = await readJson<StoredAccessLogAnchor>(ctx, key);
  if (existing) {
    if (existing.hash !== anchor.hash)
      throw new ChaincodeError(
        'CONFLICT',
        `sequence ${anchor.seq} is anchored with another hash`,
        'anchor.hash',
      );
    return canonicalJson({
      seq: anchor.seq,
      outcome: 'unchanged',
      txId: existing.txId,
    } satisfies AccessLogAnchorOutcome);
  }
  const txId = ctx.stub.getTxID();
  const stored: StoredAccessLogAnchor = {
    ...anchor,
    docType: 'accessLogAnchor',
    txId,
    recordedAt: txTimestampIso(ctx),
    recordedBy: caller.mspId,
  };
  await ctx.stub.putState(key, canonicalBytes(stored));
  ctx.stub.setEvent(ACCESS_LOG_ANCHORED_EVENT, canonicalBytes(anchor));
  return canonicalJson({ seq: anchor.seq, outcome: 'recorded', txId } satisfies AccessLogAnchorOutcome);
}

/** Anchors with a sequence above `after`, oldest first, at most 1,000: `{"after": n}`. */
export async function getAccessLogAnchors(ctx: Context, queryJson: string): Promise<string> {
  let after: unknown;
  try {
    after = (JSON.parse(queryJson) as { after?: unknown }).after;
  } catch {
    throw new ChaincodeError('INVALID_ARGUMENT', 'must be JSON {"after": n}', 'query');
  }
  if (!Number.isSafeInteger(after) || (after as number) < 0)
    throw new ChaincodeError('INVALID_ARGUMENT', 'must be a sequence number', 'after');
  const anchors: StoredAccessLogAnchor[] = [];
  for await (const kv of ctx.stub.getStateByPartialCompositeKey(ACCESS_LOG_ANCHOR_OBJECT_TYPE, [])) {
    const anchor = JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredAccessLogAnchor;
    if (anchor.seq <= (after as number)) continue;
    anchors.push(anchor);
    if (anchors.length >= MAX_ANCHORS_PER_READ) break;
  }
  return canonicalJson(anchors);
}

function parseAnchor(json: string): AccessLogAnchor {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ChaincodeError('INVALID_ARGUMENT', 'must be JSON', 'anchor');
  }
  const { seq, hash, ...rest } = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || Array.isArray(value) || Object.keys(rest).length > 0)
    throw new ChaincodeError('INVALID_FIELD', 'must hold exactly seq and hash', 'anchor');
  if (!Number.isSafeInteger(seq) || (seq as number) < 1)
    throw new ChaincodeError('INVALID_FIELD', 'must be a positive integer', 'anchor.seq');
  if (typeof hash !== 'string' || !HASH.test(hash))
    throw new ChaincodeError('INVALID_FIELD', 'must be 64 lower-case hex digits', 'anchor.hash');
  return { seq: seq as number, hash };
}
