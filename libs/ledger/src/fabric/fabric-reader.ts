import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { LedgerError } from '../ledger.errors';
import type { LedgerHead } from '../ledger.port';
import { asLedgerError, isTransient } from './fabric-errors';
import { READ_ORDER, type GatewayPool } from './gateway-pool';

/**
 * Reads from the channel: the chaincode's read-only functions and the peers' query system
 * chaincode (blocks, transactions, the chain's head), each on the first peer that answers.
 */
export class FabricReader {
  constructor(private readonly pool: GatewayPool) {}

  /** Runs a read-only contract function; null when the chaincode answers NOT_FOUND. */
  async evaluate<T>(fn: string, arg: string): Promise<T | null> {
    try {
      const bytes = await this.read((gateway) => this.pool.contract(gateway).evaluateTransaction(fn, arg));
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    } catch (err) {
      const refused = asLedgerError(err, fn);
      if (refused instanceof LedgerError && refused.chaincodeCode === 'NOT_FOUND') return null;
      throw refused;
    }
  }

  /** Calls the query system chaincode (qscc) of a peer. */
  query(fn: string, ...args: string[]): Promise<Uint8Array> {
    return this.read((gateway) => this.pool.contract(gateway, 'qscc').evaluateTransaction(fn, ...args));
  }

  /** The newest block of the channel. */
  async head(): Promise<LedgerHead> {
    const bytes = await this.query('GetChainInfo', this.pool.network.channel);
    const info = common.BlockchainInfo.deserializeBinary(bytes);
    const height = Number(info.getHeight());
    return {
      height,
      blockNumber: height - 1,
      blockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'),
    };
  }

  /** The raw block a peer holds at `blockNumber` (qscc GetBlockByNumber). */
  block(blockNumber: number): Promise<Uint8Array> {
    return this.query('GetBlockByNumber', this.pool.network.channel, String(blockNumber));
  }

  /** The raw block holding transaction `txId` (qscc GetBlockByTxID). */
  blockByTxId(txId: string): Promise<Uint8Array> {
    return this.query('GetBlockByTxID', this.pool.network.channel, txId);
  }

  /** The processed transaction `txId` (qscc GetTransactionByID): envelope and validation code. */
  transaction(txId: string): Promise<Uint8Array> {
    return this.query('GetTransactionByID', this.pool.network.channel, txId);
  }

  /**
   * Runs a read on the first peer that answers: every organization's peer holds the channel, so
   * reads (and with them submissions, which read the ledger head) go on while one peer is down.
   */
  async read<T>(call: (gateway: Gateway) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const kind of READ_ORDER) {
      try {
        return await call(await this.pool.readerGateway(kind));
      } catch (err) {
        if (!isTransient(err)) throw err;
        lastError = err;
      }
    }
    throw asLedgerError(lastError, 'read');
  }
}
