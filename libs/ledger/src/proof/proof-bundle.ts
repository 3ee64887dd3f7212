import type { StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/chaincode/records';
import type { BlockHeader } from '../chain/block-header';
import type { SignedTransaction } from '../chain/transaction';

/** Current proof bundle format version. */
export const PROOF_BUNDLE_VERSION = 1;

/** A block named by number and hash. */
export interface BlockRef {
  number: number;
  hash: string;
}

/** A transaction as carried in a proof: payload (with the creator's public key), signature and hash. */
export interface ProofTransaction extends SignedTransaction {
  /** SHA-256 over the canonical JSON of {payload, signature}, hex; the Merkle leaf. */
  txHash: string;
}

/** What a proof bundle proves: a claim decision or a claim payment. */
export type ProofKind = 'decision' | 'payment';

/** Records a proof bundle can carry. */
export type ProvableRecord = StoredDecisionRecord | StoredPaymentRecord;

/**
 * Everything needed to check offline that a claim decision (or payment) is on the ledger: the record, the
 * signed transaction that recorded it, its Merkle path to the block header, and the headers linking
 * that block to the head. Holds no PHI. Compare `head` with a head obtained independently.
 */
export interface ProofBundle<R extends ProvableRecord = StoredDecisionRecord> {
  version: typeof PROOF_BUNDLE_VERSION;
  ledger: 'embedded';
  /** What the record is; bundles issued before payments existed omit it and are decisions. */
  kind: ProofKind;
  claimId: string;
  /** The decision revision (for a payment: the revision paid). */
  revision: number;
  record: R;
  transaction: ProofTransaction;
  /** Position of the transaction in its block. */
  txIndex: number;
  /**
   * Number of transactions in the block: the Merkle tree size the path is checked against. Like
   * RFC 9162's tree_size it is not itself covered by the block hash.
   */
  blockTxCount: number;
  /** RFC 9162 inclusion path: sibling hashes (hex) from the leaf up. */
  merklePath: string[];
  block: BlockHeader;
  /** Headers of the blocks after `block`, oldest first, ending with the head (empty when `block` is the head). */
  headerChain: BlockHeader[];
  head: BlockRef;
}

/** A proof that a claim's payment, with its fund allocations, is on the ledger. */
export type PaymentProofBundle = ProofBundle<StoredPaymentRecord>;

/** Outcome of verifying a proof bundle; `problems` are human-readable. */
export type ProofVerification = { ok: true } | { ok: false; problems: string[] };
