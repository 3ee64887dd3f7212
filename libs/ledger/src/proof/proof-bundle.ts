import type { StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/chaincode/records';
import type { BlockHeader } from '../chain/block-header';
import type { SignedHead } from '../chain/signed-head';
import type { SignedContent, WriteInclusion } from '../chain/transaction';

/**
 * Current proof bundle format version: 3 shows the transaction by its signed digests and one write
 * by its salted Merkle leaf, and ends at a head or checkpoint the ledger signed.
 */
export const PROOF_BUNDLE_VERSION = 3;

/** A block named by number and hash. */
export interface BlockRef {
  number: number;
  hash: string;
}

/**
 * A transaction as a proof carries it: exactly what its creator signed (every bulky part by its
 * digest, the write set by its salted Merkle root) and the signature, never its arguments or the
 * other writes, which name other claims.
 */
export interface ProofTransaction {
  content: SignedContent;
  signature: string;
  /** SHA-256 over the signed bytes and the signature, hex; the block's Merkle leaf. */
  txHash: string;
}

/** What a proof bundle proves: a claim decision or a claim payment. */
export type ProofKind = 'decision' | 'payment';

/** Records a proof bundle can carry. */
export type ProvableRecord = StoredDecisionRecord | StoredPaymentRecord;

/**
 * Everything needed to check offline, against a trust file, that a claim decision (or payment) is
 * on the ledger: the record; the signed transaction's digests; the record's write as a salted leaf
 * with its path to the transaction's write root; the transaction's Merkle path to its block; and
 * the headers from that block to the next checkpoint (or the head) the ledger signed. Discloses
 * nothing of any other record but how many writes its transaction made. Holds no PHI.
 */
export interface ProofBundle<R extends ProvableRecord = StoredDecisionRecord> {
  version: typeof PROOF_BUNDLE_VERSION;
  ledger: 'embedded';
  /** What the record is. */
  kind: ProofKind;
  claimId: string;
  /** The decision revision (for a payment: the revision paid). */
  revision: number;
  record: R;
  transaction: ProofTransaction;
  /** The record's write: its position in the write set, its leaf salt and its audit path. */
  write: WriteInclusion;
  /** Position of the transaction in its block (the block header's txCount is the tree size). */
  txIndex: number;
  /** RFC 9162 inclusion path: sibling hashes (hex) from the leaf up. */
  merklePath: string[];
  block: BlockHeader;
  /** Headers of the blocks after `block`, oldest first, ending with `head` (empty when `block` is it). */
  headerChain: BlockHeader[];
  /** The signed checkpoint or head the headers reach. */
  head: SignedHead;
}

/** A proof that a claim's payment, with its fund allocations, is on the ledger. */
export type PaymentProofBundle = ProofBundle<StoredPaymentRecord>;

/** Outcome of verifying a proof bundle; `problems` are human-readable. */
export type ProofVerification = { ok: true } | { ok: false; problems: string[] };
