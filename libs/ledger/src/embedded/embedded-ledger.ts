import { randomBytes } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { ChaincodeError } from '@claimtrail/chaincode/chaincode.error';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import type { DecisionRecord, RecordOutcome, StoredDecisionRecord } from '@claimtrail/chaincode/records';
import { buildBlockHeader } from '../chain/block-header';
import { computeTxHash, createSignedTransaction, type SignedTransaction } from '../chain/transaction';
import { LedgerError } from '../ledger.errors';
import type { ChainCheck, LedgerHead, LedgerPort, LedgerReceipt, SigningIdentity } from '../ledger.port';
import { buildProofBundle } from '../proof/build-proof-bundle';
import type { ProofBundle } from '../proof/proof-bundle';
import { executeTransaction } from './contract-runner';
import { PostgresBlockStore, type StoredBlock } from './postgres-block-store';
import { PostgresStateStore } from './postgres-state-store';
import { withQueryRunner } from './query-runner';
import { checkStoredChain } from './stored-chain-check';

/** Options of the embedded ledger. */
export interface EmbeddedLedgerOptions {
  /** Channel name written into transactions. */
  channel?: string;
  /** Source of transaction timestamps (the client side of a proposal, never chaincode). */
  clock?: () => Date;
}

const CHAINCODE = 'claimtrail';
// Reads run the contract as this identity; read functions do not check the caller.
const READER = {
  orgId: 'embedded-ledger',
  kind: 'operator',
  mspId: 'embedded-ledger',
  publicKeyPem: '',
} as const;

/**
 * LedgerPort on PostgreSQL: runs the real claimtrail contract in-process against world state in
 * PostgreSQL, and appends each signed transaction as its own hash-chained block. Appenders in any
 * number of processes serialise on the head row, so the chain stays linear.
 */
export class EmbeddedLedger implements LedgerPort {
  private readonly channel: string;
  private readonly clock: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    options: EmbeddedLedgerOptions = {},
  ) {
    this.channel = options.channel ?? 'claimtrail';
    this.clock = options.clock ?? (() => new Date());
  }

  async recordDecisions(records: DecisionRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]> {
    if (records.length === 0) return [];
    const tx = this.sign(signer, 'RecordDecisions', [canonicalJson(records)]);
    return withQueryRunner(this.dataSource, { tx: 'read-write', isolation: 'READ COMMITTED' }, async (q) => {
      const blocks = new PostgresBlockStore(q);
      const head = await blocks.lockHead();
      const state = new PostgresStateStore(q);
      const execution = await executeTransaction(state, tx.payload).catch(rejected);
      const results = (JSON.parse(execution.result) as { results: RecordOutcome[] }).results;
      const number = head.number + 1;
      const txHash = computeTxHash(tx);
      const events = execution.event
        ? [{ name: execution.event.name, payload: JSON.parse(execution.event.payload.toString('utf8')) }]
        : [];
      await blocks.append(buildBlockHeader(number, head.hash, [txHash]), [
        { ...tx, blockNumber: number, txIndex: 0, txHash, result: { results }, events },
      ]);
      await state.apply(execution.writes, tx.payload.txId, number);

      const earlier = results
        .filter((r) => r.outcome === 'unchanged' && r.txId !== tx.payload.txId)
        .map((r) => r.txId);
      const located = await blocks.blockNumbersOf([...new Set(earlier)]);
      located.set(tx.payload.txId, number);
      return results.map((r) => ({
        ...r,
        blockNumber: r.outcome === 'conflict' ? null : (located.get(r.txId) ?? null),
      }));
    });
  }

  async getClaimHistory(claimId: string): Promise<StoredDecisionRecord[]> {
    return withQueryRunner(this.dataSource, { tx: 'none' }, (q) => this.history(q, claimId));
  }

  async head(): Promise<LedgerHead> {
    const head = await withQueryRunner(this.dataSource, { tx: 'none' }, (q) =>
      new PostgresBlockStore(q).head(),
    );
    return { height: head.number + 1, blockNumber: head.number, blockHash: head.hash };
  }

  async proveClaim(claimId: string, revision?: number): Promise<ProofBundle | null> {
    // One snapshot, so the record, its block and the header chain agree even while blocks are appended.
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, async (q) => {
      const history = await this.history(q, claimId);
      const record = revision === undefined ? history.at(-1) : history.find((r) => r.revision === revision);
      if (!record) return null;
      const blocks = new PostgresBlockStore(q);
      const tx = await blocks.transaction(record.txId);
      if (!tx)
        throw new Error(
          `claim ${claimId} revision ${record.revision} names transaction ${record.txId}, which is not stored`,
        );
      const head = await blocks.head();
      const headers = await blocks.blocks(tx.blockNumber, head.number);
      return buildProofBundle({
        record,
        blockTransactions: await blocks.transactions(tx.blockNumber, tx.blockNumber),
        txIndex: tx.txIndex,
        block: header(headers[0]),
        headerChain: headers.slice(1).map(header),
      });
    });
  }

  async checkChain(): Promise<ChainCheck> {
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, (q) =>
      checkStoredChain(new PostgresBlockStore(q)),
    );
  }

  private sign(signer: SigningIdentity, fn: string, args: string[]): SignedTransaction {
    try {
      return createSignedTransaction({
        channel: this.channel,
        chaincode: CHAINCODE,
        fn,
        args,
        creator: {
          orgId: signer.orgId,
          kind: signer.kind,
          mspId: signer.mspId,
          publicKeyPem: signer.publicKeyPem,
        },
        privateKeyPem: signer.privateKeyPem,
        timestamp: this.clock().toISOString(),
      });
    } catch (err) {
      throw new LedgerError(
        'SIGNING_FAILED',
        `cannot sign for ${signer.orgId}: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    }
  }

  private async history(q: QueryRunner, claimId: string): Promise<StoredDecisionRecord[]> {
    const { result } = await executeTransaction(new PostgresStateStore(q), {
      txId: randomBytes(32).toString('hex'),
      channel: this.channel,
      chaincode: CHAINCODE,
      fn: 'GetClaimHistory',
      args: [claimId],
      timestamp: this.clock().toISOString(),
      creator: READER,
    }).catch(rejected);
    return JSON.parse(result) as StoredDecisionRecord[];
  }
}

function header(block: StoredBlock) {
  return {
    number: block.number,
    previousHash: block.previousHash,
    merkleRoot: block.merkleRoot,
    hash: block.hash,
  };
}

function rejected(err: unknown): never {
  if (err instanceof ChaincodeError)
    throw new LedgerError('CHAINCODE_REJECTED', err.message, err.code, { cause: err });
  throw err;
}
