import { computeBlockHash, GENESIS_PREVIOUS_HASH } from '../chain/block-header';
import { merkleRoot } from '../chain/merkle';
import { computeTxHash, deriveTxId, payloadSigningBytes } from '../chain/transaction';
import { verifyBytes } from '../signing';
import type { ChainCheck } from '../ledger.port';
import type { PostgresBlockStore, StoredBlock, StoredTransaction } from './postgres-block-store';

// Blocks re-verified per database round trip.
const PAGE = 200;

/** Re-verifies every stored block from genesis to the head, stopping at the first bad one. */
export async function checkStoredChain(store: PostgresBlockStore): Promise<ChainCheck> {
  const head = await store.head();
  let previous = null as StoredBlock | null;
  let checked = 0;
  for (let from = 0; from <= head.number; from += PAGE) {
    const to = Math.min(from + PAGE - 1, head.number);
    const txs = await store.transactions(from, to);
    for (const block of await store.blocks(from, to)) {
      const reason = storedBlockProblem(
        block,
        txs.filter((t) => t.blockNumber === block.number),
        previous,
      );
      if (reason)
        return { ok: false, blocksChecked: checked, firstBadBlock: { number: block.number, reason } };
      previous = block;
      checked++;
    }
  }
  if (!previous || previous.number !== head.number || previous.hash !== head.hash) {
    const reason = `the head names block ${head.number} (${head.hash.slice(0, 16)}…) but the chain ends at block ${previous?.number ?? 'none'}`;
    return { ok: false, blocksChecked: checked, firstBadBlock: { number: head.number, reason } };
  }
  return { ok: true, blocksChecked: checked };
}

/**
 * Re-verifies one stored block from its contents: every transaction's signature, id and hash, the
 * Merkle root over the recomputed hashes, the block hash and the link to the previous block.
 * Returns why the block is bad, or null when it is sound.
 */
export function storedBlockProblem(
  block: StoredBlock,
  txs: readonly StoredTransaction[],
  previous: StoredBlock | null,
): string | null {
  const expectedNumber = previous ? previous.number + 1 : 0;
  if (block.number !== expectedNumber) {
    return `block ${block.number} follows block ${previous?.number ?? 'none'}: block ${expectedNumber} is missing`;
  }
  if (txs.length !== block.txCount) {
    return `the block holds ${txs.length} transaction(s) but its header says ${block.txCount}`;
  }
  const txHashes: Buffer[] = [];
  for (const [index, tx] of txs.entries()) {
    const id = tx.payload.txId;
    if (tx.txIndex !== index) return `transaction ${id} is stored at index ${tx.txIndex}, expected ${index}`;
    if (!verifyBytes(payloadSigningBytes(tx.payload), tx.signature, tx.payload.creator.publicKeyPem)) {
      return `transaction ${id}: signature does not verify (its contents were altered or it was not signed by its creator)`;
    }
    if (deriveTxId(tx.payload.nonce, tx.payload.creator) !== id) {
      return `transaction ${id}: id does not derive from its nonce and creator`;
    }
    const hash = computeTxHash(tx);
    if (hash !== tx.txHash) return `transaction ${id}: contents do not match its stored hash`;
    txHashes.push(Buffer.from(hash, 'hex'));
  }
  if (merkleRoot(txHashes).toString('hex') !== block.merkleRoot) {
    return "the Merkle root does not match the block's transactions";
  }
  if (computeBlockHash(block.number, block.previousHash, block.merkleRoot) !== block.hash) {
    return 'the block hash does not match its contents';
  }
  const expectedPrevious = previous ? previous.hash : GENESIS_PREVIOUS_HASH;
  if (block.previousHash !== expectedPrevious) {
    return previous
      ? `the previous hash does not match block ${previous.number}'s hash`
      : 'the genesis block does not start from the zero hash';
  }
  return null;
}
