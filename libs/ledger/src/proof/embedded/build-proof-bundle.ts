import { canonicalBytes } from '@claimtrail/chaincode/canonical-json';
import type { BlockHeader } from '../../chain/block-header';
import { merkleAuditPath } from '../../chain/merkle';
import type { SignedHead } from '../../chain/signed-head';
import {
  computeTxHash,
  contentOf,
  valueHash,
  writeInclusion,
  writeSetEntry,
  type SignedTransaction,
} from '../../chain/transaction';
import { PROOF_BUNDLE_VERSION, type ProofBundle, type ProvableRecord } from '../proof-bundle';
import { recordKey } from '../record-key';

/** What a proof is made from, as read from the ledger's store. */
export interface ProofSource<R extends ProvableRecord> {
  record: R;
  /** Every transaction of the record's block, in block order. */
  blockTransactions: readonly SignedTransaction[];
  txIndex: number;
  block: BlockHeader;
  /** Headers after `block` up to `head`, oldest first. */
  headerChain: readonly BlockHeader[];
  /** The signed checkpoint or head the header chain ends at. */
  head: SignedHead;
}

/**
 * Assembles a proof bundle. Transaction hashes are recomputed from the stored contents rather
 * than copied, so an altered transaction yields a proof that fails verification. Only the record's
 * own write is shown; the transaction appears by its signed digests.
 */
export function buildProofBundle<R extends ProvableRecord>(source: ProofSource<R>): ProofBundle<R> {
  const { record, blockTransactions, txIndex, block } = source;
  const txHashes = blockTransactions.map(computeTxHash);
  const tx = blockTransactions[txIndex];
  if (!tx) throw new Error(`block ${block.number} has no transaction at index ${txIndex}`);
  const kind = record.docType === 'claimPayment' ? 'payment' : 'decision';
  const key = writeSetEntry(recordKey(kind, record.claimId, record.revision), null).key;
  const index = tx.response.writes.findIndex((w) => w.key === key);
  if (index < 0 || tx.response.writes[index].valueHash !== valueHash(canonicalBytes(record)))
    throw new Error(`transaction ${tx.payload.txId} did not write this ${kind} of claim ${record.claimId}`);
  return {
    version: PROOF_BUNDLE_VERSION,
    ledger: 'embedded',
    kind,
    claimId: record.claimId,
    revision: record.revision,
    record,
    transaction: { content: contentOf(tx), signature: tx.signature, txHash: txHashes[txIndex] },
    write: writeInclusion(tx.response.writes, tx.response.writeSalt, index),
    txIndex,
    merklePath: merkleAuditPath(
      txHashes.map((h) => Buffer.from(h, 'hex')),
      txIndex,
    ).map((h) => h.toString('hex')),
    block,
    headerChain: [...source.headerChain],
    head: { ...source.head },
  };
}
