import type { QueryRunner } from 'typeorm';
import { keyOfEntry, valueHash, type WriteSetEntry } from '../chain/transaction';
import type { ChainCheck } from '../ledger.port';
import { txIdOf, writesOf, type StoredBlock, type StoredTransaction } from './postgres-block-store';
import { describeKey } from './state-voucher';
import { shortHash } from '../chain/sha256';

// Keys compared per database round trip.
const PAGE = 5_000;
// Write sets held while scanning the state; the scan is in key order, which for time-ordered
// claim ids is close to transaction order.
const CACHED_WRITE_SETS = 400;

/** What the chain says a key holds: the last write to it. */
export interface ChainWrite {
  valueHash: string | null;
  txId: string;
  blockNumber: number;
}

interface StateRowRaw {
  key: Buffer;
  value: Buffer;
  tx_id: string;
  block_number: string;
}

type OnBlock = (block: StoredBlock, txs: readonly StoredTransaction[]) => Promise<void>;

/**
 * Rebuilds the world state from the chain's write sets and compares it with the stored state: as
 * the chain is verified block by block, each key's last write must be in the state, no older and
 * with the written value; then every stored row must be what the transaction it names wrote. Runs
 * the chain check itself through `checkChain`, in the caller's snapshot; reports the first key
 * that differs.
 */
export async function checkStoredState(
  q: QueryRunner,
  checkChain: (onBlock: OnBlock) => Promise<ChainCheck>,
): Promise<ChainCheck> {
  const pending = new Map<string, ChainWrite>();
  let firstBadState: ChainCheck['firstBadState'];
  let compared = 0;
  const flush = async () => {
    if (pending.size === 0 || firstBadState) return;
    compared += pending.size;
    firstBadState = await compareWithState(q, pending);
    pending.clear();
  };
  const chain = await checkChain(async (block, txs) => {
    for (const tx of txs)
      for (const w of writesOf(tx))
        pending.set(keyOfEntry(w), {
          valueHash: w.valueHash,
          txId: txIdOf(tx),
          blockNumber: block.number,
        });
    if (pending.size >= PAGE) await flush();
  });
  if (!chain.ok) return chain;
  await flush();
  if (!firstBadState) {
    const scan = await scanState(q);
    firstBadState = scan.firstBadState;
    compared = Math.max(compared, scan.rows);
  }
  return firstBadState
    ? { ...chain, ok: false, stateChecked: compared, firstBadState }
    : { ...chain, stateChecked: compared };
}

/** Compares the chain's last writes of some keys with the stored rows; the first difference, if any. */
export async function compareWithState(
  q: QueryRunner,
  writes: ReadonlyMap<string, ChainWrite>,
): Promise<ChainCheck['firstBadState']> {
  const keys = [...writes.keys()];
  const rows = (await q.query(
    'SELECT key, value, tx_id, block_number FROM ledger_state WHERE key = ANY($1::bytea[])',
    [keys.map((k) => Buffer.from(k, 'utf8'))],
  )) as StateRowRaw[];
  const stored = new Map(rows.map((r) => [r.key.toString('utf8'), r]));
  for (const key of keys) {
    const write = writes.get(key)!;
    const row = stored.get(key);
    const at = `transaction ${shortHash(write.txId)} in block ${write.blockNumber}`;
    const rowBlock = row ? Number(row.block_number) : -1;
    // A later block wrote the key again: that write is compared when the chain gets there.
    if (row && rowBlock > write.blockNumber) continue;
    if (write.valueHash === null) {
      if (row) return bad(key, `${at} deleted it, but the state still holds it`);
      continue;
    }
    if (!row) return bad(key, `${at} wrote it, but the state does not hold it`);
    if (rowBlock < write.blockNumber)
      return bad(key, `the state holds the value of block ${rowBlock}, but ${at} wrote it later`);
    if (row.tx_id !== write.txId)
      return bad(key, `the state names transaction ${shortHash(row.tx_id)}, but ${at} wrote it`);
    if (valueHash(row.value) !== write.valueHash)
      return bad(key, `the stored value is not the one ${at} wrote`);
  }
  return undefined;
}

/** Every stored row against the write set of the transaction it names; the first difference, if any. */
async function scanState(
  q: QueryRunner,
): Promise<{ rows: number; firstBadState?: ChainCheck['firstBadState'] }> {
  const writeSets = new Map<string, { blockNumber: number; writes: Map<string, string | null> }>();
  let after: Buffer | null = null;
  let count = 0;
  for (;;) {
    const rows = (await q.query(
      after
        ? 'SELECT key, value, tx_id, block_number FROM ledger_state WHERE key > $1 ORDER BY key LIMIT $2'
        : 'SELECT key, value, tx_id, block_number FROM ledger_state ORDER BY key LIMIT $1',
      after ? [after, PAGE] : [PAGE],
    )) as StateRowRaw[];
    if (rows.length === 0) return { rows: count };
    const unknown = [...new Set(rows.map((r) => r.tx_id).filter((id) => !writeSets.has(id)))];
    if (unknown.length > 0) {
      const txs = (await q.query(
        'SELECT tx_id, block_number, write_set FROM ledger_transactions WHERE tx_id = ANY($1::text[])',
        [unknown],
      )) as { tx_id: string; block_number: string; write_set: string }[];
      for (const tx of txs) {
        writeSets.set(tx.tx_id, {
          blockNumber: Number(tx.block_number),
          writes: new Map(
            (JSON.parse(tx.write_set) as WriteSetEntry[]).map((w) => [keyOfEntry(w), w.valueHash]),
          ),
        });
      }
    }
    for (const row of rows) {
      const key = row.key.toString('utf8');
      const tx = writeSets.get(row.tx_id);
      const by = `transaction ${shortHash(row.tx_id)}`;
      if (!tx)
        return { rows: count, firstBadState: bad(key, `it names ${by}, which the chain does not hold`) };
      if (tx.blockNumber !== Number(row.block_number))
        return {
          rows: count,
          firstBadState: bad(
            key,
            `it names block ${row.block_number}, but ${by} is in block ${tx.blockNumber}`,
          ),
        };
      if (!tx.writes.has(key)) return { rows: count, firstBadState: bad(key, `${by} did not write it`) };
      if (tx.writes.get(key) !== valueHash(row.value))
        return { rows: count, firstBadState: bad(key, `the stored value is not the one ${by} wrote`) };
      count++;
    }
    while (writeSets.size > CACHED_WRITE_SETS) writeSets.delete(writeSets.keys().next().value!);
    after = rows[rows.length - 1].key;
  }
}

function bad(key: string, reason: string): NonNullable<ChainCheck['firstBadState']> {
  return { key: describeKey(key), reason };
}
