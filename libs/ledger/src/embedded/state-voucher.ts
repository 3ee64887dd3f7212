import type { QueryRunner } from 'typeorm';
import { keyOfEntry, valueHash, type WriteSetEntry } from '../chain/transaction';
import { LedgerError } from '../ledger.errors';
import {
  PostgresBlockStore,
  txIdOf,
  writesOf,
  type StoredBlock,
  type StoredTransaction,
} from './postgres-block-store';
import { splitCompositeKey } from '../chain/composite-key';
import { headerHashMatches } from '../chain/block-header';
import { merkleRoot } from '../chain/merkle';
import { transactionProblem } from './stored-chain-check';
import { shortHash } from '../chain/sha256';

/** A world-state row as stored: the value and the transaction that, it says, wrote it. */
export interface StateRow {
  key: string;
  value: Uint8Array;
  txId: string;
  blockNumber: number;
}

/** Write-set entries remembered by default, across transactions (about 200 bytes each). */
export const DEFAULT_VOUCHED_ENTRIES = 250_000;

/** A transaction verified earlier: its write set, its hash and where it sits. */
interface VerifiedTransaction {
  writes: Map<string, string | null>;
  txHash: string;
  blockNumber: number;
  txIndex: number;
}

/**
 * Vouches for world-state rows before the chaincode (or anyone) believes them: a row's value must
 * be what the transaction it names wrote under its key, that transaction's signature must verify,
 * and its block must hash to what it stores, hold that transaction in its Merkle root and be linked
 * to by its successor (or be the head). Verified transactions are remembered, newest last, so a hot
 * key costs one hash of its value and a look at its block; what is remembered came from verified
 * transactions, so a row edited later still fails against it, and blocks are looked at every time.
 */
export class StateVoucher {
  private readonly txs = new Map<string, VerifiedTransaction>();
  private readonly byBlock = new Map<number, Set<string>>();
  private entries = 0;

  constructor(private readonly maxEntries = DEFAULT_VOUCHED_ENTRIES) {}

  /** Remembers a transaction this process has just appended and so knows to be sound. */
  remember(
    txId: string,
    writes: readonly WriteSetEntry[],
    place: { txHash: string; blockNumber: number; txIndex: number },
  ): void {
    const { txHash, blockNumber, txIndex } = place;
    this.store(txId, {
      writes: new Map(writes.map((w) => [keyOfEntry(w), w.valueHash])),
      txHash,
      blockNumber,
      txIndex,
    });
  }

  /** Throws INTEGRITY_VIOLATION unless every row is vouched for by the chain. */
  async vouch(q: QueryRunner, rows: readonly StateRow[]): Promise<void> {
    if (rows.length === 0) return;
    const store = new PostgresBlockStore(q);
    const unknown = [...new Set(rows.map((r) => r.txId).filter((id) => !this.txs.has(id)))];
    if (unknown.length > 0) await this.verifyTransactions(store, unknown, rows);
    for (const row of rows) {
      const problem = this.rowProblem(row);
      if (problem) throw integrityViolation(row.key, problem);
    }
    await this.checkBlocks(store, rows);
    // Most recently used last.
    for (const txId of new Set(rows.map((r) => r.txId))) {
      const tx = this.txs.get(txId)!;
      this.txs.delete(txId);
      this.txs.set(txId, tx);
    }
  }

  /** Why a row is not what its transaction wrote, given the transaction is verified; null when it is. */
  private rowProblem(row: StateRow): string | null {
    const tx = this.txs.get(row.txId);
    if (!tx) return `transaction ${row.txId} is not verified`;
    if (tx.blockNumber !== row.blockNumber)
      return `it names block ${row.blockNumber}, but transaction ${shortHash(row.txId)} is in block ${tx.blockNumber}`;
    if (!tx.writes.has(row.key)) return `transaction ${shortHash(row.txId)} did not write this key`;
    const expected = tx.writes.get(row.key);
    if (expected === null) return `transaction ${shortHash(row.txId)} deleted this key`;
    if (expected !== valueHash(row.value))
      return `the stored value is not the one transaction ${shortHash(row.txId)} wrote`;
    return null;
  }

  /** Verifies the named transactions, and the others of their blocks, and remembers them. */
  private async verifyTransactions(
    store: PostgresBlockStore,
    txIds: readonly string[],
    rows: readonly StateRow[],
  ): Promise<void> {
    const loaded = await store.transactionsAlongside(txIds);
    const found = new Set(loaded.map(txIdOf));
    for (const row of rows) {
      if (!found.has(row.txId) && !this.txs.has(row.txId))
        throw integrityViolation(row.key, `it names transaction ${shortHash(row.txId)}, which is not stored`);
    }
    this.verified(loaded, rows);
  }

  private verified(loaded: readonly StoredTransaction[], rows: readonly StateRow[]): void {
    for (const tx of loaded) {
      const problem = transactionProblem(tx, tx.txIndex);
      if (problem) {
        const row = rows.find((r) => r.blockNumber === tx.blockNumber) ?? rows[0];
        throw integrityViolation(row.key, `its block ${tx.blockNumber} does not verify: ${problem}`);
      }
      const { txHash, blockNumber, txIndex } = tx;
      this.remember(txIdOf(tx), writesOf(tx), { txHash, blockNumber, txIndex });
    }
  }

  /**
   * Checks the blocks the rows were written in: each hashes to what it stores, its Merkle root is
   * that of its transactions (verified, by their hashes) and the next block links to it, or it is
   * the head.
   */
  private async checkBlocks(store: PostgresBlockStore, rows: readonly StateRow[]): Promise<void> {
    const numbers = [...new Set(rows.map((r) => r.blockNumber))];
    const [blocks, head] = await Promise.all([
      store.blocksNumbered([...new Set(numbers.flatMap((n) => [n, n + 1]))]),
      store.head(),
    ]);
    const byNumber = new Map(blocks.map((b) => [b.number, b]));
    for (const number of numbers) {
      let hashes = this.txHashesOf(number);
      const block = byNumber.get(number);
      if (block && hashes.length !== block.txCount) {
        this.verified(await store.transactionsOfBlocks([number], { digestsOnly: true }), rows);
        hashes = this.txHashesOf(number);
      }
      const problem = blockProblem(number, byNumber, hashes, head);
      if (problem) {
        const row = rows.find((r) => r.blockNumber === number)!;
        throw integrityViolation(row.key, `its block ${number} does not verify: ${problem}`);
      }
    }
  }

  /** Hashes of the remembered transactions of a block, in block order. */
  private txHashesOf(blockNumber: number): string[] {
    return [...(this.byBlock.get(blockNumber) ?? [])]
      .map((id) => this.txs.get(id)!)
      .sort((a, b) => a.txIndex - b.txIndex)
      .map((t) => t.txHash);
  }

  private store(txId: string, tx: VerifiedTransaction): void {
    this.forget(txId);
    this.txs.set(txId, tx);
    const inBlock = this.byBlock.get(tx.blockNumber);
    if (inBlock) inBlock.add(txId);
    else this.byBlock.set(tx.blockNumber, new Set([txId]));
    this.entries += tx.writes.size;
    for (const oldest of this.txs.keys()) {
      if (this.entries <= this.maxEntries || oldest === txId) break;
      this.forget(oldest);
    }
  }

  private forget(txId: string): void {
    const tx = this.txs.get(txId);
    if (!tx) return;
    this.txs.delete(txId);
    this.entries -= tx.writes.size;
    const inBlock = this.byBlock.get(tx.blockNumber);
    inBlock?.delete(txId);
    if (inBlock?.size === 0) this.byBlock.delete(tx.blockNumber);
  }
}

function blockProblem(
  number: number,
  blocks: ReadonlyMap<number, StoredBlock>,
  txHashes: readonly string[],
  head: { number: number; hash: string },
): string | null {
  const block = blocks.get(number);
  if (!block) return 'the block is not stored';
  if (txHashes.length !== block.txCount)
    return `the block holds ${txHashes.length} transaction(s) but its header says ${block.txCount}`;
  if (merkleRoot(txHashes.map((h) => Buffer.from(h, 'hex'))).toString('hex') !== block.merkleRoot)
    return "the Merkle root does not match the block's transactions";
  if (!headerHashMatches(block)) return 'the block hash does not match its contents';
  const next = blocks.get(number + 1);
  if (next) return next.previousHash === block.hash ? null : `block ${number + 1} does not link to it`;
  return head.number === number && head.hash === block.hash
    ? null
    : 'no block follows it and it is not the head';
}

/** A readable form of a world-state key: composite keys as type:part:part. */
export function describeKey(key: string): string {
  const { objectType, attributes } = splitCompositeKey(key);
  return objectType ? [objectType, ...attributes].join(':') : key;
}

function integrityViolation(key: string, problem: string): LedgerError {
  return new LedgerError(
    'INTEGRITY_VIOLATION',
    `world state ${describeKey(key)} is not vouched for by the chain: ${problem}`,
  );
}
