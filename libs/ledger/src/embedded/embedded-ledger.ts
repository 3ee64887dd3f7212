import { randomBytes } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { ChaincodeError } from '@claimtrail/chaincode/chaincode.error';
import { claimKey } from '@claimtrail/chaincode/claim-keys';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import type {
  AccessLogAnchor,
  AccessLogAnchorOutcome,
  ClaimRecords,
  DecisionRecord,
  FundOutcome,
  FundRecord,
  FundTopUp,
  FundView,
  PaymentRecord,
  RecordOutcome,
  StoredAccessLogAnchor,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';
import { buildBlockHeader } from '../chain/block-header';
import { publicKeyOf, signHead } from '../chain/signed-head';
import {
  createProposal,
  signTransaction,
  type Signed,
  type TransactionPayload,
  type TransactionResponse,
} from '../chain/transaction';
import { LedgerError } from '../ledger.errors';
import type {
  ChainCheck,
  FundReceipt,
  IntegrityCheck,
  IntegrityCursor,
  LedgerHead,
  LedgerPort,
  LedgerReceipt,
  SigningIdentity,
} from '../ledger.port';
import { buildProofBundle } from '../proof/embedded/build-proof-bundle';
import { verifyProofBundle } from '../proof/verify-proof-bundle';
import type { TrustAnchor } from '../proof/trust-anchor';
import type { PaymentProofBundle, ProofBundle, ProvableRecord } from '../proof/proof-bundle';
import { readClaimRecords } from './claim-records-reader';
import { checkLedgerIntegrity } from './integrity-check';
import { createCompositeKey } from '../chain/composite-key';
import { executeTransaction, responseOf } from './contract-runner';
import { PostgresBlockStore, signedOf, toStored } from './postgres-block-store';
import { PostgresStateStore } from './postgres-state-store';
import { withQueryRunner } from './query-runner';
import { checkStoredChain } from './stored-chain-check';
import { checkStoredState } from './stored-state-check';
import { DEFAULT_VOUCHED_ENTRIES, StateVoucher } from './state-voucher';

/** Options of the embedded ledger. */
export interface EmbeddedLedgerOptions {
  /** Channel name written into transactions. */
  channel?: string;
  /** Source of transaction and block timestamps (the client side of a proposal, never chaincode). */
  clock?: () => Date;
  /** Write-set entries of verified transactions kept in memory to vouch for state rows cheaply. */
  vouchedEntries?: number;
  /**
   * The ledger's head key (PKCS#8 PEM, ECDSA P-256): signs a checkpoint every `checkpointInterval`
   * blocks and the head a proof ends at. Without it no checkpoint is written and no proof is made.
   */
  headKeyPem?: string;
  /** Blocks between signed checkpoints: the most headers a proof carries. */
  checkpointInterval?: number;
}

/** Blocks between signed checkpoints unless configured. */
export const DEFAULT_CHECKPOINT_INTERVAL = 256;

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
 * PostgreSQL, and appends each signed transaction, with the write set it produced, as its own
 * hash-chained block. Appenders in any number of processes serialise on the head row, so the chain
 * stays linear. Every state row is vouched for by the chain before the contract or a reader sees it.
 */
export class EmbeddedLedger implements LedgerPort {
  private readonly channel: string;
  private readonly clock: () => Date;
  private readonly voucher: StateVoucher;
  private readonly headKeyPem: string | undefined;
  private readonly checkpointInterval: number;

  constructor(
    private readonly dataSource: DataSource,
    options: EmbeddedLedgerOptions = {},
  ) {
    this.channel = options.channel ?? 'claimtrail';
    this.clock = options.clock ?? (() => new Date());
    this.voucher = new StateVoucher(options.vouchedEntries ?? DEFAULT_VOUCHED_ENTRIES);
    this.headKeyPem = options.headKeyPem;
    this.checkpointInterval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    if (!Number.isSafeInteger(this.checkpointInterval) || this.checkpointInterval < 1)
      throw new Error('checkpointInterval must be a positive integer');
  }

  /** The public half of the ledger's head key (SPKI PEM), or undefined when none is configured. */
  headPublicKeyPem(): string | undefined {
    return this.headKeyPem ? publicKeyOf(this.headKeyPem) : undefined;
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

  async anchorAccessLog(anchor: AccessLogAnchor, signer: SigningIdentity): Promise<AccessLogAnchorOutcome> {
    return this.submit(
      signer,
      'RecordAccessLogAnchor',
      canonicalJson(anchor),
      async (r) => JSON.parse(r) as AccessLogAnchorOutcome,
    );
  }

  async accessLogAnchors(after: number): Promise<StoredAccessLogAnchor[]> {
    return withQueryRunner(
      this.dataSource,
      { tx: 'none' },
      async (q) =>
        (await this.evaluate<StoredAccessLogAnchor[]>(q, 'GetAccessLogAnchors', canonicalJson({ after })))!,
    );
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
      return record ? this.prove(q, record) : null;
    });
  }

  async claimRecords(claimIds: readonly string[]): Promise<ClaimRecords[]> {
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, (q) =>
      readClaimRecords(q, this.voucher, claimIds),
    );
  }

  async getClaimHistory(claimId: string): Promise<StoredDecisionRecord[]> {
    return withQueryRunner(this.dataSource, { tx: 'none' }, (q) => this.history(q, claimId));
  }

  async head(): Promise<LedgerHead> {
    const head = await withQueryRunner(this.dataSource, { tx: 'none' }, (q) =>
      new PostgresBlockStore(q).head(),
    );
    const signature = this.headKeyPem ? signHead(head, this.headKeyPem).signature : undefined;
    return {
      height: head.number + 1,
      blockNumber: head.number,
      blockHash: head.hash,
      ...(signature ? { signature } : {}),
    };
  }

  async proveClaim(claimId: string, revision?: number): Promise<ProofBundle | null> {
    // One snapshot, so the record, its block and the header chain agree even while blocks are appended.
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, async (q) => {
      const history = await this.history(q, claimId);
      const record = revision === undefined ? history.at(-1) : history.find((r) => r.revision === revision);
      if (!record) return null;
      return this.prove(q, record);
    });
  }

  /** Nothing to release: the embedded ledger works on the caller's DataSource. */
  close(): void {}

  /**
   * Re-verifies every stored block and transaction, then the world state against the chain's
   * write sets, in one snapshot.
   */
  async checkChain(trust?: TrustAnchor): Promise<ChainCheck> {
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, (q) =>
      checkStoredState(q, (onBlock) => checkStoredChain(new PostgresBlockStore(q), onBlock, trust)),
    );
  }

  async checkIntegrity(since: IntegrityCursor | null): Promise<IntegrityCheck> {
    return withQueryRunner(this.dataSource, { tx: 'read-only', isolation: 'REPEATABLE READ' }, (q) =>
      checkLedgerIntegrity(q, this.voucher, since),
    );
  }

  private propose(signer: SigningIdentity, fn: string, args: string[]): TransactionPayload {
    return createProposal({
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
      timestamp: this.clock().toISOString(),
    });
  }

  private sign(signer: SigningIdentity, payload: TransactionPayload, response: TransactionResponse): Signed {
    try {
      return signTransaction(payload, response, signer.privateKeyPem);
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
   * The creator signs the proposal together with what executing it produced, write set included.
   */
  private async submit<T>(
    signer: SigningIdentity,
    fn: string,
    arg: string,
    answer: (result: string, done: Committed) => Promise<T>,
    readAhead: readonly string[] = [],
  ): Promise<T> {
    const payload = this.propose(signer, fn, [arg]);
    let appended: { signed: Signed; blockNumber: number } | undefined;
    const answered = await withQueryRunner(
      this.dataSource,
      { tx: 'read-write', isolation: 'READ COMMITTED' },
      async (q) => {
        const blocks = new PostgresBlockStore(q);
        const head = await blocks.lockHead();
        const state = new PostgresStateStore(q, this.voucher);
        await state.prefetch(readAhead);
        const execution = await executeTransaction(state, payload).catch(rejected);
        const response = responseOf(execution);
        const signed = this.sign(signer, payload, response);
        const number = head.number + 1;
        const { txHash } = signed;
        const header = buildBlockHeader(number, head.hash, [txHash], this.clock().toISOString());
        await blocks.append(header, [
          toStored(signed.tx, response, { blockNumber: number, txIndex: 0, txHash }),
        ]);
        await state.apply(execution.writes, payload.txId, number);
        if (this.headKeyPem && number % this.checkpointInterval === 0) {
          await blocks.addCheckpoint(signHead({ number, hash: header.hash }, this.headKeyPem, true));
        }
        appended = { signed, blockNumber: number };
        return answer(execution.result, { blocks, txId: payload.txId, blockNumber: number });
      },
    );
    // Only once committed: what this process appended needs no second look when read back.
    if (appended) {
      const { signed, blockNumber } = appended;
      this.voucher.remember(signed.tx.payload.txId, signed.tx.response.writes, {
        txHash: signed.txHash,
        blockNumber,
        txIndex: 0,
      });
    }
    return answered;
  }

  /**
   * A proof for a stored record, from one snapshot of the block store: headers from its block to the
   * first signed checkpoint at or after it, or to the head, signed now when no checkpoint follows.
   */
  private async prove<R extends ProvableRecord>(q: QueryRunner, record: R): Promise<ProofBundle<R>> {
    const headKeyPem = this.headKeyPem;
    if (!headKeyPem)
      throw new Error('the embedded ledger has no head key configured (headKeyPem), so it makes no proofs');
    const blocks = new PostgresBlockStore(q);
    const tx = await blocks.transaction(record.txId);
    if (!tx)
      throw new Error(
        `claim ${record.claimId} revision ${record.revision} names transaction ${record.txId}, which is not stored`,
      );
    const end = (await blocks.checkpointFrom(tx.blockNumber)) ?? signHead(await blocks.head(), headKeyPem);
    const headers = await blocks.blocks(tx.blockNumber, end.number);
    const creator = tx.content.proposal.creator;
    const bundle = buildProofBundle({
      record,
      blockTransactions: (await blocks.transactions(tx.blockNumber, tx.blockNumber)).map(signedOf),
      txIndex: tx.txIndex,
      block: headers[0],
      headerChain: headers.slice(1),
      head: end,
    });
    // A proof is only ever handed out if it holds: one over an altered store names what is wrong
    // instead. Checked here against the key the transaction names; a verifier uses its trust file.
    const verdict = verifyProofBundle(bundle, {
      version: 1,
      organizations: [{ id: creator.orgId, kind: creator.kind, publicKeyPem: creator.publicKeyPem }],
      msps: [],
      ledgerHeadKeyPem: publicKeyOf(headKeyPem),
    });
    if (!verdict.ok)
      throw new LedgerError(
        'INTEGRITY_VIOLATION',
        `the ledger's store does not prove claim ${record.claimId} revision ${record.revision}: ${verdict.problems.join('; ')}`,
      );
    return bundle;
  }

  private async history(q: QueryRunner, claimId: string): Promise<StoredDecisionRecord[]> {
    return (await this.evaluate<StoredDecisionRecord[]>(q, 'GetClaimHistory', claimId)) ?? [];
  }

  /** Runs a read-only contract function; null when the contract answers NOT_FOUND. */
  private async evaluate<T>(q: QueryRunner, fn: string, arg: string): Promise<T | null> {
    try {
      const { result } = await executeTransaction(new PostgresStateStore(q, this.voucher), {
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

function rejected(err: unknown): never {
  if (err instanceof ChaincodeError)
    throw new LedgerError('CHAINCODE_REJECTED', err.message, err.code, { cause: err });
  throw err;
}
