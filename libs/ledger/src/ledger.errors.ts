/** Stable codes of ledger errors. */
export type LedgerErrorCode =
  /** The chaincode refused the transaction (validation, access); retrying the same input will not help. */
  | 'CHAINCODE_REJECTED'
  /** The signer's private key does not match its public key, or cannot sign. */
  | 'SIGNING_FAILED'
  /** A peer or orderer could not be reached or did not answer in time (transient). */
  | 'UNAVAILABLE'
  /**
   * Endorsement failed for a reason other than the chaincode's refusal: the endorsements a policy
   * needs could not be gathered, or (Fabric's ENDORSEMENT_POLICY_FAILURE) validation found that
   * the transaction's endorsements do not satisfy the chaincode's or a written key's policy.
   */
  | 'ENDORSEMENT_FAILED'
  /** The transaction was invalidated by a concurrent one (MVCC or phantom read conflict; transient). */
  | 'MVCC_CONFLICT'
  /** The transaction was ordered but the peers marked it invalid for another reason. */
  | 'COMMIT_FAILED'
  /**
   * What the ledger's store holds is not what its chain vouches for (an edited state row,
   * transaction or block); nothing was read or written on the strength of it.
   */
  | 'INTEGRITY_VIOLATION';

/**
 * A ledger operation that failed, by code: refusals that a retry will not change, and on Fabric
 * the transient UNAVAILABLE and MVCC_CONFLICT, which the Fabric client retries before giving up.
 */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    /** The chaincode's own error code (e.g. INVALID_FIELD), when the chaincode refused. */
    readonly chaincodeCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LedgerError';
  }
}
