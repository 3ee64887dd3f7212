import type { QueryRunner } from 'typeorm';
import { keyOfEntry } from '../chain/transaction';
import type { IntegrityCheck, IntegrityCursor, IntegrityProblem } from '../ledger.port';
import {
  PostgresBlockStore,
  txIdOf,
  writesOf,
  type StoredBlock,
  type StoredTransaction,
} from './postgres-block-store';
import { toStateRow, type Row } from './postgres-state-store';
import { checkStoredChain, storedBlockProblem } from './stored-chain-check';
import { checkStoredState, compareWithState } from './stored-state-check';
import { splitCompositeKey } from '../chain/composite-key';
import { describeKey, StateVoucher } from './state-voucher';
import { LedgerError } from '../ledger.errors';

// Past this many PostgreSQL transactions since the last check, a row's 32-bit xmin can no longer
// be compared with the horizon: check everything again.
const MAX_XID_DISTANCE = 1_000_000_000n;
// Blocks verified per round trip.
const PAGE = 200;

/**
 * Checks the embedded ledger's tables for tampering. From scratch: the whole chain, then the world
 * state against its write sets. Incrementally: every row of blocks, transactions and world state
 * that any PostgreSQL transaction wrote since the cursor's horizon (a row's xmin changes with every
 * UPDATE, whoever issues it), the blocks appended after the cursor's anchor, and the anchor block
 * itself, whose hash pins all history before it. Runs in the caller's repeatable-read snapshot.
 */
export async function checkLedgerIntegrity(
  q: QueryRunner,
  voucher: StateVoucher,
  since: IntegrityCursor | null,
): Promise<IntegrityCheck> {
  const [{ horizon, xmax }] = (await q.query(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
            pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`,
  )) as { horizon: string; xmax: string }[];
  const store = new PostgresBlockStore(q);
  const head = await store.head();
  const distance = since ? BigInt(xmax) - BigInt(since.horizon) + 1n : null;
  if (!since || distance === null || distance > MAX_XID_DISTANCE || since.anchor.number > head.number) {
    return fullCheck(q, store, horizon, head);
  }
  const problems: IntegrityProblem[] = [];
  const changed = Number(distance);
  const changedBlocks = await numbers(
    q,
    'SELECT number AS n FROM ledger_blocks WHERE age(xmin) BETWEEN 0 AND $1',
    changed,
  );
  const changedTxBlocks = await numbers(
    q,
    'SELECT DISTINCT block_number AS n FROM ledger_transactions WHERE age(xmin) BETWEEN 0 AND $1',
    changed,
  );
  // The anchor block must still hash to what was verified: that pins every block before it.
  const [anchor] = await store.blocks(since.anchor.number, since.anchor.number);
  if (!anchor || anchor.hash !== since.anchor.hash) {
    problems.push({
      subject: `block:${since.anchor.number}`,
      reason: `the block verified earlier with hash ${since.anchor.hash.slice(0, 16)}… now has ${anchor ? `hash ${anchor.hash.slice(0, 16)}…` : 'no row'}: history was rewritten`,
      claimIds: [],
    });
  }
  const old = [...new Set([...changedBlocks, ...changedTxBlocks, since.anchor.number])].filter(
    (n) => n <= since.anchor.number,
  );
  let blocksChecked = 0;
  for (const n of old) {
    const problem = await blockInPlaceProblem(store, n);
    blocksChecked++;
    if (problem)
      problems.push({ subject: `block:${n}`, reason: problem, claimIds: await claimsOfBlock(store, n) });
  }
  // Blocks appended since the anchor: the chain, and what their write sets say the state holds.
  const appendedTxIds = new Set<string>();
  let newProblems = 0;
  let previous = anchor ?? null;
  for (let from = since.anchor.number + 1; from <= head.number; from += PAGE) {
    const to = Math.min(from + PAGE - 1, head.number);
    const txs = await store.transactions(from, to);
    const latest = new Map<string, { valueHash: string | null; txId: string; blockNumber: number }>();
    for (const block of await store.blocks(from, to)) {
      const blockTxs = txs.filter((t) => t.blockNumber === block.number);
      const problem = storedBlockProblem(block, blockTxs, previous);
      blocksChecked++;
      if (problem) {
        problems.push({
          subject: `block:${block.number}`,
          reason: problem,
          claimIds: claimsWritten(blockTxs),
        });
        newProblems++;
      }
      for (const tx of blockTxs) {
        appendedTxIds.add(txIdOf(tx));
        for (const w of writesOf(tx))
          latest.set(keyOfEntry(w), {
            valueHash: w.valueHash,
            txId: txIdOf(tx),
            blockNumber: block.number,
          });
      }
      previous = block;
    }
    const stale = await compareWithState(q, latest);
    if (stale) {
      problems.push({
        subject: `state:${stale.key}`,
        reason: stale.reason,
        claimIds: claimsOfReadableKey(stale.key),
      });
      newProblems++;
    }
  }
  if (previous && previous.number === head.number && previous.hash !== head.hash) {
    problems.push({
      subject: `block:${head.number}`,
      reason: 'the head row names another hash than the last block',
      claimIds: [],
    });
    newProblems++;
  }
  // State rows rewritten by anything but the blocks just checked must still be what the chain says.
  const rows = (
    (await q.query(
      'SELECT key, value, tx_id, block_number FROM ledger_state WHERE age(xmin) BETWEEN 0 AND $1',
      [changed],
    )) as Row[]
  )
    .map(toStateRow)
    .filter((r) => !appendedTxIds.has(r.txId));
  for (const row of rows) {
    try {
      await voucher.vouch(q, [row]);
    } catch (err) {
      if (!(err instanceof LedgerError) || err.code !== 'INTEGRITY_VIOLATION') throw err;
      problems.push({
        subject: `state:${describeKey(row.key)}`,
        reason: err.message,
        claimIds: claimsOfKeys([row.key]),
      });
    }
  }
  // A problem among the new blocks keeps the anchor where it was, so the next check sees it again.
  const next =
    newProblems === 0 && previous ? { number: previous.number, hash: previous.hash } : since.anchor;
  return {
    full: false,
    blocksChecked,
    rowsChecked: rows.length,
    problems,
    cursor: { horizon, anchor: next },
  };
}

async function fullCheck(
  q: QueryRunner,
  store: PostgresBlockStore,
  horizon: string,
  head: { number: number; hash: string },
): Promise<IntegrityCheck> {
  const check = await checkStoredState(q, (onBlock) => checkStoredChain(store, onBlock));
  const problems: IntegrityProblem[] = [];
  if (check.firstBadBlock) {
    const { number, reason } = check.firstBadBlock;
    problems.push({ subject: `block:${number}`, reason, claimIds: await claimsOfBlock(store, number) });
  }
  if (check.firstBadState) {
    const { key, reason } = check.firstBadState;
    problems.push({ subject: `state:${key}`, reason, claimIds: claimsOfReadableKey(key) });
  }
  return {
    full: true,
    blocksChecked: check.blocksChecked,
    rowsChecked: check.stateChecked ?? 0,
    problems,
    cursor: { horizon, anchor: head },
  };
}

/** Why a block, checked where it stands between its neighbours, is bad; null when it is sound. */
async function blockInPlaceProblem(store: PostgresBlockStore, n: number): Promise<string | null> {
  const blocks = await store.blocks(Math.max(0, n - 1), n + 1);
  const block = blocks.find((b) => b.number === n);
  if (!block) return 'the block is not stored';
  const txs: StoredTransaction[] = await store.transactionsOfBlocks([n]);
  const previous: StoredBlock | null = blocks.find((b) => b.number === n - 1) ?? null;
  if (n > 0 && !previous) return `block ${n - 1} is not stored`;
  const problem = storedBlockProblem(block, txs, previous);
  if (problem) return problem;
  const next = blocks.find((b) => b.number === n + 1);
  if (next && next.previousHash !== block.hash) return `block ${n + 1} does not link to it`;
  return null;
}

async function numbers(q: QueryRunner, sql: string, distance: number): Promise<number[]> {
  const rows = (await q.query(sql, [distance])) as { n: string }[];
  return rows.map((r) => Number(r.n));
}

/** Claims whose records the transactions of a block wrote. */
async function claimsOfBlock(store: PostgresBlockStore, n: number): Promise<string[]> {
  return claimsWritten(await store.transactionsOfBlocks([n]));
}

function claimsWritten(txs: readonly StoredTransaction[]): string[] {
  return claimsOfKeys(txs.flatMap((tx) => writesOf(tx).map(keyOfEntry)));
}

/** The claims of claim, payment and allocation keys. */
function claimsOfKeys(keys: readonly string[]): string[] {
  return claimsOf(keys.map((k) => splitCompositeKey(k)));
}

/** The claim of a key in its readable form (`claim:<id>:<revision>`). */
function claimsOfReadableKey(key: string): string[] {
  const [objectType, ...attributes] = key.split(':');
  return claimsOf([{ objectType, attributes }]);
}

function claimsOf(keys: readonly { objectType: string; attributes: string[] }[]): string[] {
  const ids = new Set<string>();
  for (const { objectType, attributes } of keys) {
    if (objectType === 'claim' || objectType === 'payment') ids.add(attributes[0]);
    else if (objectType === 'alloc') ids.add(attributes[1]);
  }
  return [...ids];
}
