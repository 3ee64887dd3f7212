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
 * What the key builders need: anything with the stub's composite-key builder, so the embedded
 * ledger and proof verification derive the very same keys outside a transaction.
 */
export interface KeyContext {
  stub: Pick<Context['stub'], 'createCompositeKey'>;
}

/** World-state key of one claim revision. */
export function claimKey(ctx: KeyContext, claimId: string, revision: number): string {
  return ctx.stub.createCompositeKey(CLAIM_OBJECT_TYPE, [claimId, revisionKeyPart(revision)]);
}
