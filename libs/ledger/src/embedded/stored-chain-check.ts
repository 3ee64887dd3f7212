import { GENESIS_PREVIOUS_HASH, headerHashMatches } from '../chain/block-header';
import { merkleRoot } from '../chain/merkle';
import { deriveTxId, TRANSACTION_VERSION, verifiedTxHash } from '../chain/transaction';
import { headSignatureValid, type SignedHead } from '../chain/signed-head';
import type { ChainCheck } from '../ledger.port';
import { sameKey, trustedOrganization, type TrustAnchor } from '../proof/trust-anchor';
import type { PostgresBlockStore, StoredBlock, StoredTransaction } from './postgres-block-store';

// Blocks re-verified per database round trip.
const PAGE = 200;

/**
 * Re-verifies every stored block from genesis to the head, stopping at the first bad one. With a
 * trust anchor, every signature is checked against the organization's registered key (not the key
 * the transaction names) and every signed checkpoint against the ledger's head key.
 */
export async function checkStoredChain(
  store: PostgresBlockStore,
  onBlock?: (block: StoredBlock, txs: readonly StoredTransaction[]) => Promise<void>,
  trust?: TrustAnchor,
): Promise<ChainCheck> {
  const head = await store.head();
  const checkpoints = new Map<number, SignedHead>();
  if (trust) for (const c of await store.checkpoints()) checkpoints.set(c.number, c);
  let previous = null as StoredBlock | null;
  let checked = 0;
  for (let from = 0; from <= head.number; from += PAGE) {
    const to = Math.min(from + PAGE - 1, head.number);
    const txs = await store.transactions(from, to);
    for (const block of await store.blocks(from, to)) {
      const blockTxs = txs.filter((t) => t.blockNumber === block.number);
      const reason =
        storedBlockProblem(block, blockTxs, previous, trust) ??
        (trust ? checkpointProblem(block, checkpoints.get(block.number), trust) : null);
      if (reason)
        return { ok: false, blocksChecked: checked, firstBadBlock: { number: block.number, reason } };
      await onBlock?.(block, blockTxs);
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
 * Re-verifies one stored block from its contents and its link to the previous block. Returns why
 * the block is bad, or null when it is sound.
 */
export function storedBlockProblem(
  block: StoredBlock,
  txs: readonly StoredTransaction[],
  previous: StoredBlock | null,
  trust?: TrustAnchor,
): string | null {
  const expectedNumber = previous ? previous.number + 1 : 0;
  if (block.number !== expectedNumber) {
    return `block ${block.number} follows block ${previous?.number ?? 'none'}: block ${expectedNumber} is missing`;
  }
  const problem = blockContentProblem(block, txs, trust);
  if (problem) return problem;
  const expectedPrevious = previous ? previous.hash : GENESIS_PREVIOUS_HASH;
  if (block.previousHash !== expectedPrevious) {
    return previous
      ? `the previous hash does not match block ${previous.number}'s hash`
      : 'the genesis block does not start from the zero hash';
  }
  return null;
}

/**
 * Re-verifies a block from its own contents: every transaction's signature (over its payload and
 * response, write set included), id and hash, the Merkle root over the recomputed hashes, and the
 * block hash over every stored header field. Returns why the block is bad, or null.
 */
export function blockContentProblem(
  block: StoredBlock,
  txs: readonly StoredTransaction[],
  trust?: TrustAnchor,
): string | null {
  if (txs.length !== block.txCount) {
    return `the block holds ${txs.length} transaction(s) but its header says ${block.txCount}`;
  }
  const txHashes: Buffer[] = [];
  for (const [index, tx] of txs.entries()) {
    const problem = transactionProblem(tx, index, trust);
    if (problem) return problem;
    txHashes.push(Buffer.from(tx.txHash, 'hex'));
  }
  if (merkleRoot(txHashes).toString('hex') !== block.merkleRoot) {
    return "the Merkle root does not match the block's transactions";
  }
  if (!headerHashMatches(block)) return 'the block hash does not match its contents';
  return null;
}

/** Why a stored transaction is not what its creator signed at `index` of its block, or null. */
export function transactionProblem(tx: StoredTransaction, index: number, trust?: TrustAnchor): string | null {
  const { proposal } = tx.content;
  const id = proposal.txId;
  if (tx.txIndex !== index) return `transaction ${id} is stored at index ${tx.txIndex}, expected ${index}`;
  if (proposal.version !== TRANSACTION_VERSION) {
    return `transaction ${id} has format version ${String(proposal.version)}, not ${TRANSACTION_VERSION}`;
  }
  let key = proposal.creator.publicKeyPem;
  if (trust) {
    const org = trustedOrganization(trust, proposal.creator.orgId);
    if (!org)
      return `transaction ${id}: signed as organization ${proposal.creator.orgId}, which is not a registered organization (untrusted signer)`;
    if (org.kind !== proposal.creator.kind)
      return `transaction ${id}: signed as a ${proposal.creator.kind}, but organization ${org.id} is registered as a ${org.kind}`;
    if (!sameKey(org.publicKeyPem, proposal.creator.publicKeyPem))
      return `transaction ${id}: names a signing key that is not organization ${org.id}'s registered key (untrusted key)`;
    key = org.publicKeyPem;
  }
  const hash = verifiedTxHash(tx.content, tx.signature, key);
  if (hash === null) {
    return `transaction ${id}: signature does not verify (its contents, result, events or write set were altered, or it was not signed by its creator)`;
  }
  if (deriveTxId(proposal.nonce, proposal.creator) !== id) {
    return `transaction ${id}: id does not derive from its nonce and creator`;
  }
  if (hash !== tx.txHash) return `transaction ${id}: contents do not match its stored hash`;
  const { argsHash } = proposal;
  const { resultHash, eventsHash } = tx.content.response;
  if (
    tx.texts &&
    (tx.digests.args !== argsHash || tx.digests.result !== resultHash || tx.digests.events !== eventsHash)
  )
    return `transaction ${id}: the digests stored beside its arguments, result and events do not match them`;
  return null;
}

/** Why a block's stored checkpoint is not the ledger's signature of it, or null. */
function checkpointProblem(
  block: StoredBlock,
  checkpoint: SignedHead | undefined,
  trust: TrustAnchor,
): string | null {
  if (!checkpoint || !trust.ledgerHeadKeyPem) return null;
  if (checkpoint.hash !== block.hash)
    return `the signed checkpoint of block ${block.number} names another hash: the history was rewritten`;
  if (!headSignatureValid(checkpoint, trust.ledgerHeadKeyPem))
    return `the checkpoint of block ${block.number} is not signed with the ledger's head key (untrusted checkpoint)`;
  return null;
}
