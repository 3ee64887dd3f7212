import type { BlockHeader } from '../chain/block-header';
import { merkleAuditPath } from '../chain/merkle';
import { computeTxHash, type SignedTransaction } from '../chain/transaction';
import { PROOF_BUNDLE_VERSION, type ProofBundle, type ProvableRecord } from './proof-bundle';

/** What a proof is made from, as read from the ledger's store. */
export interface ProofSource<R extends ProvableRecord> {
  record: R;
  /** Every transaction of the record's block, in block order. */
  blockTransactions: readonly SignedTransaction[];
  txIndex: number;
  block: BlockHeader;
  /** Headers after `block` up to the head, oldest first. */
  headerChain: readonly BlockHeader[];
}

/**
 * Assembles a proof bundle. Transaction hashes are recomputed from the stored contents rather
 * than copied, so an altered transaction yields a proof that fails verification.
 */
export function buildProofBundle<R extends ProvableRecord>(source: ProofSource<R>): ProofBundle<R> {
  const { record, blockTransactions, txIndex, block } = source;
  const txHashes = blockTransactions.map(computeTxHash);
  const tx = blockTransactions[txIndex];
  if (!tx) throw new Error(`block ${block.number} has no transaction at index ${txIndex}`);
  const head = source.headerChain.at(-1) ?? block;
  return {
    version: PROOF_BUNDLE_VERSION,
    ledger: 'embedded',
    kind: record.docType === 'claimPayment' ? 'payment' : 'decision',
    claimId: record.claimId,
    revision: record.revision,
    record,
    transaction: { payload: tx.payload, signature: tx.signature, txHash: txHashes[txIndex] },
    txIndex,
    blockTxCount: blockTransactions.length,
    merklePath: merkleAuditPath(
      txHashes.map((h) => Buffer.from(h, 'hex')),
      txIndex,
    ).map((h) => h.toString('hex')),
    block,
    headerChain: [...source.headerChain],
    head: { number: head.number, hash: head.hash },
  };
}
