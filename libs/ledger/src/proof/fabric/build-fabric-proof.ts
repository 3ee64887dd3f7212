import { common, peer } from '@hyperledger/fabric-protos';
import type { StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/chaincode/records';
import type { LedgerHead } from '../../ledger.port';
import type { ProofKind } from '../proof-bundle';
import { blockHeaderHash } from './fabric-block';
import { FABRIC_PROOF_VERSION, type FabricProofBundle } from './fabric-proof-bundle';

/** What a Fabric proof is built from. */
export interface FabricProofSource {
  kind: ProofKind;
  record: StoredDecisionRecord | StoredPaymentRecord;
  channel: string;
  chaincode: string;
  /** qscc GetTransactionByID: the ProcessedTransaction. */
  processedTransaction: Uint8Array;
  /** qscc GetBlockByTxID: the block (only its header goes into the proof). */
  block: Uint8Array;
  head: LedgerHead;
}

/** A Fabric proof of a record from what a peer returns for its transaction and block. */
export function buildFabricProof(source: FabricProofSource): FabricProofBundle {
  const header = common.Block.deserializeBinary(source.block).getHeader()!;
  const envelope = peer.ProcessedTransaction.deserializeBinary(source.processedTransaction)
    .getTransactionenvelope()!
    .serializeBinary();
  return {
    version: FABRIC_PROOF_VERSION,
    ledger: 'fabric',
    kind: source.kind,
    claimId: source.record.claimId,
    revision: source.record.revision,
    record: source.record,
    channel: source.channel,
    chaincode: source.chaincode,
    txId: source.record.txId,
    blockNumber: Number(header.getNumber()),
    blockHash: blockHeaderHash(header).toString('hex'),
    envelope: Buffer.from(envelope).toString('base64'),
    blockHeader: Buffer.from(header.serializeBinary()).toString('base64'),
    head: source.head,
  };
}
