import type { QueryRunner } from 'typeorm';
import type { BlockHeader } from '../chain/block-header';
import {
  argsText,
  textHash,
  writesRoot,
  writesText,
  type SignedContent,
  type SignedTransaction,
  type TransactionResponse,
  type OrgKind,
  type WriteSetEntry,
} from '../chain/transaction';
import type { SignedHead } from '../chain/signed-head';
import type { BlockRef } from '../proof/proof-bundle';

/** A stored block: every field stored with it, all covered by its hash. */
export type StoredBlock = BlockHeader;

/** The bulky texts of a transaction row, each hashed as it is stored. */
export interface TransactionTexts {
  args: string;
  result: string;
  events: string;
}

/**
 * A stored transaction: what its signature covers, rebuilt from the row, where it sits and the
 * hash stored beside it. Read in full, the arguments, result and events are hashed as stored;
 * read for its write set alone, their digests come from the columns that keep them (the signature
 * covers them either way, and checking the chain compares the two).
 */
export interface StoredTransaction {
  content: SignedContent;
  signature: string;
  /** The write set as stored; `content.response.writesRoot` is its salted Merkle root. */
  writes: string;
  /** The secret salt of the write set's leaves, hex. */
  writeSalt: string;
  /** The digests the row keeps of its arguments, result and events. */
  digests: TransactionTexts;
  /** The arguments, result and events as stored, when the transaction was read in full. */
  texts?: TransactionTexts;
  blockNumber: number;
  txIndex: number;
  txHash: string;
}

/** A stored transaction's id. */
export const txIdOf = (t: StoredTransaction) => t.content.proposal.txId;

/** A stored transaction's write set. */
export function writesOf(t: StoredTransaction): WriteSetEntry[] {
  return JSON.parse(t.writes) as WriteSetEntry[];
}

/** A stored transaction in full, its arguments and write set parsed: what a proof carries. */
export function signedOf(t: StoredTransaction): SignedTransaction {
  if (!t.texts) throw new Error(`transaction ${txIdOf(t)} was not read in full`);
  const { argsHash: _argsHash, ...proposal } = t.content.proposal;
  const { resultHash, eventsHash } = t.content.response;
  return {
    payload: { ...proposal, args: JSON.parse(t.texts.args) as string[] },
    response: { resultHash, eventsHash, writes: writesOf(t), writeSalt: t.writeSalt },
    signature: t.signature,
  };
}

/** What a transaction row holds, before anything is hashed. */
export interface TransactionColumns {
  proposal: Omit<SignedTransaction['payload'], 'args'>;
  writes: string;
  writeSalt: string;
  digests: TransactionTexts;
  texts?: TransactionTexts;
  signature: string;
  blockNumber: number;
  txIndex: number;
  txHash: string;
}

/** The stored form of a transaction just signed, with the response it was signed over. */
export function toStored(
  tx: SignedTransaction,
  response: TransactionResponse,
  place: { blockNumber: number; txIndex: number; txHash: string },
): StoredTransaction {
  return fromColumns(columnsOf(tx, response, place));
}

/** The columns a signed transaction is stored in. */
export function columnsOf(
  tx: SignedTransaction,
  response: TransactionResponse,
  place: { blockNumber: number; txIndex: number; txHash: string },
): TransactionColumns {
  const { args, ...proposal } = tx.payload;
  const texts = { args: argsText(args), result: response.result, events: response.events };
  const digests = {
    args: textHash(texts.args),
    result: textHash(texts.result),
    events: textHash(texts.events),
  };
  return {
    proposal,
    writes: writesText(response.writes),
    writeSalt: tx.response.writeSalt,
    digests,
    texts,
    signature: tx.signature,
    ...place,
  };
}

/**
 * A transaction as read back from its columns, nothing parsed: read in full, its texts hashed as
 * stored; otherwise the digests its row keeps.
 */
export function fromColumns(columns: TransactionColumns): StoredTransaction {
  const { proposal, texts, digests, ...rest } = columns;
  const writes = JSON.parse(columns.writes) as WriteSetEntry[];
  const hashes = texts
    ? { args: textHash(texts.args), result: textHash(texts.result), events: textHash(texts.events) }
    : digests;
  return {
    content: {
      proposal: { ...proposal, argsHash: hashes.args },
      response: {
        resultHash: hashes.result,
        eventsHash: hashes.events,
        writesRoot: writesRoot(writes, columns.writeSalt),
        writeCount: writes.length,
      },
    },
    digests,
    ...(texts ? { texts } : {}),
    ...rest,
  };
}

interface BlockRow {
  number: string;
  previous_hash: Buffer;
  merkle_root: Buffer;
  hash: Buffer;
  tx_count: number;
  created_at: string;
}

interface TransactionRow {
  tx_id: string;
  block_number: string;
  tx_index: number;
  channel_id: string;
  chaincode: string;
  function_name: string;
  creator_org_id: string;
  creator_kind: OrgKind;
  creator_msp_id: string;
  creator_public_key: string;
  nonce: string;
  tx_timestamp: string;
  signature: string;
  tx_hash: Buffer;
  payload_version: 3;
  write_salt: Buffer;
  args?: string;
  result?: string;
  events?: string;
  write_set: string;
  args_hash: Buffer;
  result_hash: Buffer;
  events_hash: Buffer;
}

// Timestamps are read with every stored digit: an edit below the millisecond must not vanish in a
// JavaScript Date and leave the hash looking intact.
const instant = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${column}`;
const BLOCK_INSERT_COLUMNS = 'number, previous_hash, merkle_root, hash, tx_count, created_at';
const BLOCK_COLUMNS = `number, previous_hash, merkle_root, hash, tx_count, ${instant('created_at')}`;
const TX_INSERT_COLUMNS = `tx_id, block_number, tx_index, channel_id, chaincode, function_name, args, creator_org_id,
  creator_kind, creator_msp_id, creator_public_key, nonce, tx_timestamp, signature, tx_hash, payload_version,
  result, events, write_set, args_hash, result_hash, events_hash, write_salt`;
// Read in full, or without the arguments, result and events, whose stored digests then stand in.
const TX_COLUMNS = TX_INSERT_COLUMNS.replace('tx_timestamp', instant('tx_timestamp'));
const TX_DIGEST_COLUMNS = TX_COLUMNS.replace(/\b(args|result|events),\s*/g, '');

/** SQL for the ledger's blocks, transactions and head; every value goes in as a parameter. */
export class PostgresBlockStore {
  constructor(private readonly q: QueryRunner) {}

  /** Locks the head row until the surrounding transaction ends: appenders queue here. */
  async lockHead(): Promise<BlockRef> {
    return toBlockRef(
      await this.q.query('SELECT block_number, block_hash FROM ledger_head WHERE id = 1 FOR UPDATE'),
    );
  }

  /** The current head. */
  async head(): Promise<BlockRef> {
    return toBlockRef(await this.q.query('SELECT block_number, block_hash FROM ledger_head WHERE id = 1'));
  }

  /** Appends a block with its transactions and moves the head to it. */
  async append(header: BlockHeader, txs: readonly StoredTransaction[]): Promise<void> {
    await this.q.query(
      `INSERT INTO ledger_blocks (${BLOCK_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        header.number,
        hex(header.previousHash),
        hex(header.merkleRoot),
        hex(header.hash),
        header.txCount,
        header.timestamp,
      ],
    );
    for (const t of txs) {
      const p = t.content.proposal;
      const texts = t.texts;
      if (!texts) throw new Error(`transaction ${p.txId} is appended without its texts`);
      await this.q.query(
        `INSERT INTO ledger_transactions (${TX_INSERT_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
        [
          p.txId,
          t.blockNumber,
          t.txIndex,
          p.channel,
          p.chaincode,
          p.fn,
          texts.args,
          p.creator.orgId,
          p.creator.kind,
          p.creator.mspId,
          p.creator.publicKeyPem,
          p.nonce,
          p.timestamp,
          t.signature,
          hex(t.txHash),
          p.version,
          texts.result,
          texts.events,
          t.writes,
          hex(t.digests.args),
          hex(t.digests.result),
          hex(t.digests.events),
          hex(t.writeSalt),
        ],
      );
    }
    await this.q.query(
      'UPDATE ledger_head SET block_number = $1, block_hash = $2, updated_at = now() WHERE id = 1',
      [header.number, hex(header.hash)],
    );
  }

  /** Stores the ledger's signed checkpoint of a block. */
  async addCheckpoint(head: SignedHead): Promise<void> {
    await this.q.query(
      'INSERT INTO ledger_checkpoints (block_number, block_hash, signature) VALUES ($1, $2, $3)',
      [head.number, hex(head.hash), head.signature],
    );
  }

  /** The first signed checkpoint at or after block `from`, or null. */
  async checkpointFrom(from: number): Promise<SignedHead | null> {
    const rows = (await this.q.query(
      `SELECT block_number, block_hash, signature FROM ledger_checkpoints WHERE block_number >= $1
        ORDER BY block_number LIMIT 1`,
      [from],
    )) as { block_number: string; block_hash: Buffer; signature: string }[];
    const r = rows[0];
    return r
      ? {
          number: Number(r.block_number),
          hash: r.block_hash.toString('hex'),
          checkpoint: true,
          signature: r.signature,
        }
      : null;
  }

  /** Every signed checkpoint, in block order. */
  async checkpoints(): Promise<SignedHead[]> {
    const rows = (await this.q.query(
      'SELECT block_number, block_hash, signature FROM ledger_checkpoints ORDER BY block_number',
    )) as { block_number: string; block_hash: Buffer; signature: string }[];
    return rows.map((r) => ({
      number: Number(r.block_number),
      hash: r.block_hash.toString('hex'),
      checkpoint: true,
      signature: r.signature,
    }));
  }

  /** Block numbers of the given transactions. */
  async blockNumbersOf(txIds: readonly string[]): Promise<Map<string, number>> {
    if (txIds.length === 0) return new Map();
    const rows = (await this.q.query(
      'SELECT tx_id, block_number FROM ledger_transactions WHERE tx_id = ANY($1::text[])',
      [[...txIds]],
    )) as { tx_id: string; block_number: string }[];
    return new Map(rows.map((r) => [r.tx_id, Number(r.block_number)]));
  }

  /** Blocks numbered from..to inclusive, in order. */
  async blocks(from: number, to: number): Promise<StoredBlock[]> {
    const rows = (await this.q.query(
      `SELECT ${BLOCK_COLUMNS} FROM ledger_blocks WHERE number BETWEEN $1 AND $2 ORDER BY number`,
      [from, to],
    )) as BlockRow[];
    return rows.map(toStoredBlock);
  }

  /** The blocks with the given numbers (those that exist), in number order. */
  async blocksNumbered(numbers: readonly number[]): Promise<StoredBlock[]> {
    if (numbers.length === 0) return [];
    const rows = (await this.q.query(
      `SELECT ${BLOCK_COLUMNS} FROM ledger_blocks WHERE number = ANY($1::bigint[]) ORDER BY number`,
      [[...numbers]],
    )) as BlockRow[];
    return rows.map(toStoredBlock);
  }

  /** Transactions of blocks from..to inclusive, in block then index order. */
  async transactions(from: number, to: number): Promise<StoredTransaction[]> {
    const rows = (await this.q.query(
      `SELECT ${TX_COLUMNS} FROM ledger_transactions WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number, tx_index`,
      [from, to],
    )) as TransactionRow[];
    return rows.map(toStoredTransaction);
  }

  /**
   * Transactions of the given blocks, in block then index order; with `digestsOnly`, read for their
   * write sets (without arguments, result and events).
   */
  async transactionsOfBlocks(
    numbers: readonly number[],
    opts: { digestsOnly?: boolean } = {},
  ): Promise<StoredTransaction[]> {
    if (numbers.length === 0) return [];
    const rows = (await this.q.query(
      `SELECT ${opts.digestsOnly ? TX_DIGEST_COLUMNS : TX_COLUMNS} FROM ledger_transactions WHERE block_number = ANY($1::bigint[])
        ORDER BY block_number, tx_index`,
      [[...numbers]],
    )) as TransactionRow[];
    return rows.map(toStoredTransaction);
  }

  /**
   * Every transaction of the blocks holding the given transactions, in block then index order, read
   * for their write sets (without arguments, result and events).
   */
  async transactionsAlongside(txIds: readonly string[]): Promise<StoredTransaction[]> {
    if (txIds.length === 0) return [];
    const rows = (await this.q.query(
      `SELECT ${TX_DIGEST_COLUMNS} FROM ledger_transactions
        WHERE block_number IN (SELECT block_number FROM ledger_transactions WHERE tx_id = ANY($1::text[]))
        ORDER BY block_number, tx_index`,
      [[...txIds]],
    )) as TransactionRow[];
    return rows.map(toStoredTransaction);
  }

  /** One transaction by id, or null. */
  async transaction(txId: string): Promise<StoredTransaction | null> {
    const rows = (await this.q.query(`SELECT ${TX_COLUMNS} FROM ledger_transactions WHERE tx_id = $1`, [
      txId,
    ])) as TransactionRow[];
    return rows[0] ? toStoredTransaction(rows[0]) : null;
  }
}

// The transaction is rebuilt from its columns, its bulky texts hashed as stored: any altered
// column changes what the signature covers, and the signature no longer verifies.
function toStoredTransaction(r: TransactionRow): StoredTransaction {
  const proposal = {
    version: r.payload_version,
    txId: r.tx_id,
    channel: r.channel_id,
    chaincode: r.chaincode,
    fn: r.function_name,
    creator: {
      orgId: r.creator_org_id,
      kind: r.creator_kind,
      mspId: r.creator_msp_id,
      publicKeyPem: r.creator_public_key,
    },
    nonce: r.nonce,
    timestamp: isoInstant(r.tx_timestamp),
  };
  const full = r.args !== undefined && r.result !== undefined && r.events !== undefined;
  return fromColumns({
    proposal,
    writes: r.write_set,
    writeSalt: r.write_salt.toString('hex'),
    digests: {
      args: r.args_hash.toString('hex'),
      result: r.result_hash.toString('hex'),
      events: r.events_hash.toString('hex'),
    },
    ...(full ? { texts: { args: r.args!, result: r.result!, events: r.events! } } : {}),
    signature: r.signature,
    blockNumber: Number(r.block_number),
    txIndex: r.tx_index,
    txHash: r.tx_hash.toString('hex'),
  });
}

function toStoredBlock(r: BlockRow): StoredBlock {
  return {
    number: Number(r.number),
    previousHash: r.previous_hash.toString('hex'),
    merkleRoot: r.merkle_root.toString('hex'),
    txCount: r.tx_count,
    timestamp: isoInstant(r.created_at),
    hash: r.hash.toString('hex'),
  };
}

function toBlockRef(rows: { block_number: string; block_hash: Buffer }[]): BlockRef {
  if (!rows[0]) throw new Error('the ledger has no head row; have the migrations run?');
  return { number: Number(rows[0].block_number), hash: rows[0].block_hash.toString('hex') };
}

/** `…ss.uuuuuuZ` as `…ss.mmmZ` when the microseconds are whole milliseconds; otherwise unchanged. */
function isoInstant(text: string): string {
  return /\.\d{3}000Z$/.test(text) ? `${text.slice(0, -4)}Z` : text;
}

function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}
