import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import type { DecisionRecord, RecordOutcome, StoredDecisionRecord } from '@claimtrail/chaincode/records';
import { buildBlockHeader, GENESIS_PREVIOUS_HASH, type BlockHeader } from '../chain/block-header';
import {
  computeTxHash,
  createProposal,
  signTransaction,
  type SignedTransaction,
  type TransactionResponse,
} from '../chain/transaction';
import { executeTransaction, responseOf } from '../embedded/contract-runner';
import { MemoryStateStore } from '../embedded/memory-state-store';
import type { SigningIdentity } from '../ledger.port';
import { signHead } from '../chain/signed-head';
import { generateSigningKeyPair } from '../signing';
import { buildProofBundle } from '../proof/embedded/build-proof-bundle';
import type { ProofBundle } from '../proof/proof-bundle';

/** One RecordDecisions call to put into a block. */
export interface DecisionSubmission {
  records: DecisionRecord[];
  signer: SigningIdentity;
}

/** An in-memory chain for unit tests: the real contract, signed transactions and hashed blocks. */
export class MemoryChain {
  /** The key this chain signs its heads with. */
  readonly headKey = generateSigningKeyPair();
  readonly store = new MemoryStateStore();
  /** What each transaction's execution produced, by transaction id. */
  readonly responses = new Map<string, TransactionResponse>();
  readonly blocks: { header: BlockHeader; txs: SignedTransaction[] }[] = [
    { header: buildBlockHeader(0, GENESIS_PREVIOUS_HASH, [], '2025-11-20T00:00:00.000Z'), txs: [] },
  ];

  /** Executes each submission as one transaction and puts them all into one new block. */
  async commitBlock(
    submissions: DecisionSubmission[],
    timestamp = '2025-11-20T12:00:00.000Z',
  ): Promise<RecordOutcome[][]> {
    const txs: SignedTransaction[] = [];
    const outcomes: RecordOutcome[][] = [];
    for (const { records, signer } of submissions) {
      const payload = createProposal({
        channel: 'claimtrail',
        chaincode: 'claimtrail',
        fn: 'RecordDecisions',
        args: [canonicalJson(records)],
        creator: {
          orgId: signer.orgId,
          kind: signer.kind,
          mspId: signer.mspId,
          publicKeyPem: signer.publicKeyPem,
        },
        timestamp,
      });
      const execution = await executeTransaction(this.store, payload);
      const response = responseOf(execution);
      const { tx } = signTransaction(payload, response, signer.privateKeyPem);
      this.store.apply(execution.writes);
      txs.push(tx);
      this.responses.set(tx.payload.txId, response);
      outcomes.push((JSON.parse(execution.result) as { results: RecordOutcome[] }).results);
    }
    const previous = this.blocks[this.blocks.length - 1].header;
    this.blocks.push({
      header: buildBlockHeader(previous.number + 1, previous.hash, txs.map(computeTxHash), timestamp),
      txs,
    });
    return outcomes;
  }

  /** A proof for a recorded claim revision. */
  async prove(claimId: string, revision: number): Promise<ProofBundle> {
    const history = await this.history(claimId);
    const record = history.find((r) => r.revision === revision);
    if (!record) throw new Error(`claim ${claimId} revision ${revision} is not recorded`);
    const blockIndex = this.blocks.findIndex((b) => b.txs.some((t) => t.payload.txId === record.txId));
    const block = this.blocks[blockIndex];
    const headerChain = this.blocks.slice(blockIndex + 1).map((b) => b.header);
    return buildProofBundle({
      record,
      blockTransactions: block.txs,
      txIndex: block.txs.findIndex((t) => t.payload.txId === record.txId),
      block: block.header,
      headerChain,
      head: signHead(headerChain.at(-1) ?? block.header, this.headKey.privateKeyPem),
    });
  }

  /** Every revision of a claim, through the contract's GetClaimHistory. */
  async history(claimId: string): Promise<StoredDecisionRecord[]> {
    const { result } = await executeTransaction(this.store, {
      txId: 'query',
      channel: 'claimtrail',
      chaincode: 'claimtrail',
      fn: 'GetClaimHistory',
      args: [claimId],
      timestamp: '2025-11-20T12:00:00.000Z',
      creator: { orgId: 'auditor', kind: 'operator', mspId: 'auditor', publicKeyPem: '' },
    });
    return JSON.parse(result) as StoredDecisionRecord[];
  }
}
