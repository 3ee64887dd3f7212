import type { Context } from 'fabric-contract-api';

/** Composite-key object type of claim decision records. */
export const CLAIM_OBJECT_TYPE = 'claim';

/**
 * Revisions are zero-padded so a partial-key range scan over a claim returns them in revision
 * order (keys sort by bytes, and "10" would otherwise sort before "9").
 */
export function revisionKeyPart(revision: number): string {
  return String(revision).padStart(10, '0');
}

/**
 * World-state key of one claim revision. Takes anything with the stub's key builder, so the
 * embedded ledger derives the very same key outside a transaction.
 */
export function claimKey(
  ctx: { stub: Pick<Context['stub'], 'createCompositeKey'> },
  claimId: string,
  revision: number,
): string {
  return ctx.stub.createCompositeKey(CLAIM_OBJECT_TYPE, [claimId, revisionKeyPart(revision)]);
}
