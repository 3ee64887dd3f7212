import type { QueryRunner } from 'typeorm';
import type { BlockHeader } from '../chain/block-header';
import type { SignedTransaction } from '../chain/transaction';
import type { OrgKind } from '../ledger.port';
import type { BlockRef } from '../proof/proof-bundle';

/** A stored block: its header and the transaction count it claims. */
export interface StoredBlock extends BlockHeader {
  txCount: number;
}

/** A stored transaction with where it sits and the hash stored beside it. */
export interface StoredTransaction extends SignedTransaction {
  blockNumber: number;
  txIndex: number;
  txHash: string;
}

/** A transaction to append, with what executing it produced. */
export interface TransactionToAppend extends StoredTransaction {
  result: unknown;
  events: unknown[];
}

interface BlockRow {
  number: string;
  previous_hash: Buffer;
  merkle_root: Buffer;
  hash: Buffer;
  tx_count: number;
}

interface TransactionRow {
  tx_id: string;
  block_number: string;
  tx_index: number;
  channel_id: string;
  chaincode: string;
  function_name: string;
  args: string[];
  creator_org_id: string;
  creator_kind: OrgKind;
  creator_msp_id: string;
  creator_public_key: string;
  nonce: string;
  tx_timestamp: Date;
  signature: string;
  tx_hash: Buffer;
  payload_version: 1;
}

const BLOCK_COLUMNS = 'number, previous_hash, merkle_root, hash, tx_count';
const TX_COLUMNS = `tx_id, block_number, tx_index, channel_id, chaincode, function_name, args, creator_org_id,
  creator_kind, creator_msp_id, creator_public_key, nonce, tx_timestamp, signature, tx_hash, payload_version`;

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
  async append(header: BlockHeader, txs: readonly TransactionToAppend[]): Promise<void> {
    await this.q.query(`INSERT INTO ledger_blocks (${BLOCK_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`, [
      header.number,
      hex(header.previousHash),
      hex(header.merkleRoot),
      hex(header.hash),
      txs.length,
    ]);
    for (const t of txs) {
      const p = t.payload;
      await this.q.query(
        `INSERT INTO ledger_transactions (${TX_COLUMNS}, result, events)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          p.txId,
          t.blockNumber,
          t.txIndex,
          p.channel,
          p.chaincode,
          p.fn,
          JSON.stringify(p.args),
          p.creator.orgId,
          p.creator.kind,
          p.creator.mspId,
          p.creator.publicKeyPem,
          p.nonce,
          p.timestamp,
          t.signature,
          hex(t.txHash),
          p.version,
          JSON.stringify(t.result),
          JSON.stringify(t.events),
        ],
      );
    }
    await this.q.query(
      'UPDATE ledger_head SET block_number = $1, block_hash = $2, updated_at = now() WHERE id = 1',
      [header.number, hex(header.hash)],
    );
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
    return rows.map((r) => ({
      number: Number(r.number),
      previousHash: r.previous_hash.toString('hex'),
      merkleRoot: r.merkle_root.toString('hex'),
      hash: r.hash.toString('hex'),
      txCount: r.tx_count,
    }));
  }

  /** Transactions of blocks from..to inclusive, in block then index order. */
  async transactions(from: number, to: number): Promise<StoredTransaction[]> {
    const rows = (await this.q.query(
      `SELECT ${TX_COLUMNS} FROM ledger_transactions WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number, tx_index`,
      [from, to],
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

// The payload is rebuilt from its columns; any altered column changes the hash and breaks the signature.
function toStoredTransaction(r: TransactionRow): StoredTransaction {
  return {
    payload: {
      version: r.payload_version,
      txId: r.tx_id,
      channel: r.channel_id,
      chaincode: r.chaincode,
      fn: r.function_name,
      args: r.args,
      creator: {
        orgId: r.creator_org_id,
        kind: r.creator_kind,
        mspId: r.creator_msp_id,
        publicKeyPem: r.creator_public_key,
      },
      nonce: r.nonce,
      timestamp: r.tx_timestamp.toISOString(),
    },
    signature: r.signature,
    blockNumber: Number(r.block_number),
    txIndex: r.tx_index,
    txHash: r.tx_hash.toString('hex'),
  };
}

function toBlockRef(rows: { block_number: string; block_hash: Buffer }[]): BlockRef {
  if (!rows[0]) throw new Error('the ledger has no head row; have the migrations run?');
  return { number: Number(rows[0].block_number), hash: rows[0].block_hash.toString('hex') };
}

function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}
