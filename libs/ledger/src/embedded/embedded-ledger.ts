import { randomBytes } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { ChaincodeError } from '@claimtrail/chaincode/chaincode.error';
import { claimKey } from '@claimtrail/chaincode/claim-keys';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import type {
  DecisionRecord,
  FundOutcome,
  FundRecord,
  FundTopUp,
  FundView,
  PaymentRecord,
  RecordOutcome,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';
import { buildBlockHeader } from '../chain/block-header';
import { computeTxHash, createSignedTransaction, type SignedTransaction } from '../chain/transaction';
import { LedgerError } from '../ledger.errors';
import type {
  ChainCheck,
  FundReceipt,
  LedgerHead,
  LedgerPort,
  LedgerReceipt,
  SigningIdentity,
} from '../ledger.port';
import { buildProofBundle } from '../proof/build-proof-bundle';
import type { PaymentProofBundle, ProofBundle, ProvableRecord } from '../proof/proof-bundle';
import { createCompositeKey } from './composite-key';
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
    // The contract reads each record's key to find identical or conflicting ones: read them ahead.
    const keys = records.map((r) => claimKey({ stub: { createCompositeKey } }, r.claimId, r.revision));
    // The argument only has to be JSON: the contract parses it and canonicalises what it stores, and
    // plain serialisation is many times faster than canonical over a batch of hundreds of records.
    return this.submit(signer, 'RecordDecisions', JSON.stringify(records), receipts, keys);
  }

  async recordPayments(payments: PaymentRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]> {
    if (payments.length === 0) return [];
    return this.submit(signer, 'RecordPayments', canonicalJson(payments), receipts);
  }

  async createFund(fund: FundRecord, signer: SigningIdentity): Promise<FundReceipt> {
    return this.submit(signer, 'CreateFund', canonicalJson(fund), fundReceipt);
  }

  async topUpFund(topUp: FundTopUp, signer: SigningIdentity): Promise<FundReceipt> {
    return this.submit(signer, 'TopUpFund', canonicalJson(topUp), fundReceipt);
  }

  async getFund(fundId: string): Promise<FundView | null> {
    return withQueryRunner(this.dataSource, { tx: 'none' }, (q) =>
      this.evaluate<FundView>(q, 'GetFund', fundId),
    );
  }

  async getFundAllocations(fundId: string): Promise<StoredAllocationRecord[]> {
    return withQueryRunner(
      this.dataSource,
      { tx: 'none' },
      async (q) => (await this.evaluate<StoredAllocationRecord[]>(q, 'GetFundAllocations', fundId))!,
    );
  }

  async getPayment(claimId: string): Promise<StoredPaymentRecord | null> {
    return withQueryRunner(this.dataSource, { tx: 'none' }, (q) =>
      this.evaluate<StoredPaymentRecord>(q, 'GetPayment', claimId),
    );
  }

  async provePayment(claimId: string): Promise<PaymentProofBundle | null> {
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, async (q) => {
      const record = await this.evaluate<StoredPaymentRecord>(q, 'GetPayment', claimId);
      return record ? prove(q, record) : null;
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
      return prove(q, record);
    });
  }

  /** Nothing to release: the embedded ledger works on the caller's DataSource. */
  close(): void {}

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

  /**
   * Runs one transaction as one block: the head row is locked first, so the contract reads state as
   * every earlier block left it (this is what keeps concurrent payments from overspending a fund).
   */
  private async submit<T>(
    signer: SigningIdentity,
    fn: string,
    arg: string,
    answer: (result: string, done: Committed) => Promise<T>,
    readAhead: readonly string[] = [],
  ): Promise<T> {
    const tx = this.sign(signer, fn, [arg]);
    return withQueryRunner(this.dataSource, { tx: 'read-write', isolation: 'READ COMMITTED' }, async (q) => {
      const blocks = new PostgresBlockStore(q);
      const head = await blocks.lockHead();
      const state = new PostgresStateStore(q);
      await state.prefetch(readAhead);
      const execution = await executeTransaction(state, tx.payload).catch(rejected);
      const result = JSON.parse(execution.result) as unknown;
      const number = head.number + 1;
      const txHash = computeTxHash(tx);
      const events = execution.event
        ? [{ name: execution.event.name, payload: JSON.parse(execution.event.payload.toString('utf8')) }]
        : [];
      await blocks.append(buildBlockHeader(number, head.hash, [txHash]), [
        { ...tx, blockNumber: number, txIndex: 0, txHash, result, events },
      ]);
      await state.apply(execution.writes, tx.payload.txId, number);
      return answer(execution.result, { blocks, txId: tx.payload.txId, blockNumber: number });
    });
  }

  private async history(q: QueryRunner, claimId: string): Promise<StoredDecisionRecord[]> {
    return (await this.evaluate<StoredDecisionRecord[]>(q, 'GetClaimHistory', claimId)) ?? [];
  }

  /** Runs a read-only contract function; null when the contract answers NOT_FOUND. */
  private async evaluate<T>(q: QueryRunner, fn: string, arg: string): Promise<T | null> {
    try {
      const { result } = await executeTransaction(new PostgresStateStore(q), {
        txId: randomBytes(32).toString('hex'),
        channel: this.channel,
        chaincode: CHAINCODE,
        fn,
        args: [arg],
        timestamp: this.clock().toISOString(),
        creator: READER,
      });
      return JSON.parse(result) as T;
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'NOT_FOUND') return null;
      return rejected(err);
    }
  }
}

/** The transaction a submit committed. */
interface Committed {
  blocks: PostgresBlockStore;
  txId: string;
  blockNumber: number;
}

/** Receipts of a RecordDecisions or RecordPayments transaction, locating earlier transactions' blocks. */
async function receipts(result: string, done: Committed): Promise<LedgerReceipt[]> {
  const results = (JSON.parse(result) as { results: RecordOutcome[] }).results;
  const located = await locate(
    done,
    results.filter((r) => r.outcome !== 'conflict').map((r) => r.txId),
  );
  return results.map((r) => ({
    ...r,
    blockNumber: r.outcome === 'conflict' ? null : (located.get(r.txId) ?? null),
  }));
}

async function fundReceipt(result: string, done: Committed): Promise<FundReceipt> {
  const outcome = JSON.parse(result) as FundOutcome;
  const located = await locate(done, [outcome.txId]);
  return { ...outcome, blockNumber: located.get(outcome.txId) ?? null };
}

async function locate(done: Committed, txIds: string[]): Promise<Map<string, number>> {
  const earlier = [...new Set(txIds.filter((id) => id !== done.txId))];
  const located = await done.blocks.blockNumbersOf(earlier);
  located.set(done.txId, done.blockNumber);
  return located;
}

/** A proof for a stored record, from one snapshot of the block store. */
async function prove<R extends ProvableRecord>(q: QueryRunner, record: R): Promise<ProofBundle<R>> {
  const blocks = new PostgresBlockStore(q);
  const tx = await blocks.transaction(record.txId);
  if (!tx)
    throw new Error(
      `claim ${record.claimId} revision ${record.revision} names transaction ${record.txId}, which is not stored`,
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
