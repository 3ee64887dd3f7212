import { common, peer } from '@hyperledger/fabric-protos';
import { z } from 'zod';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import { claimKey } from '@claimtrail/chaincode/claim-keys';
import { paymentKey } from '@claimtrail/chaincode/ledger-keys';
import type { StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/chaincode/records';
import { createCompositeKey } from '../embedded/composite-key';
import type { LedgerHead } from '../ledger.port';
import type { ProofKind, ProofVerification } from '../proof/proof-bundle';
import { malformedBundle } from '../proof/proof-bundle.schema';
import { blockHeaderHash, dataHashMatches, readEnvelope, validationCode } from './fabric-block';

/**
 * A proof that a claim's decision (or payment) is on a Fabric channel: the record, and what a
 * peer's query system chaincode (qscc) returned for its transaction and block. Offline, it shows
 * the transaction wrote exactly this record under the claim's key, was validated, and is in a block
 * whose header commits to it; `claimtrail verify --fabric` also asks a peer for the same block.
 */
export interface FabricProofBundle {
  version: 1;
  ledger: 'fabric';
  kind: ProofKind;
  claimId: string;
  revision: number;
  record: StoredDecisionRecord | StoredPaymentRecord;
  channel: string;
  chaincode: string;
  txId: string;
  blockNumber: number;
  /** Hex SHA-256 of the block header, as the next block names it. */
  blockHash: string;
  /** qscc GetTransactionByID: the ProcessedTransaction (envelope and validation code), base64. */
  processedTransaction: string;
  /** qscc GetBlockByTxID: the whole block, base64. */
  block: string;
  head: LedgerHead;
}

/** Whether a parsed proof bundle claims to come from Fabric (verification then checks the rest). */
export function isFabricProof(bundle: unknown): bundle is FabricProofBundle {
  return (
    typeof bundle === 'object' && bundle !== null && (bundle as { ledger?: unknown }).ledger === 'fabric'
  );
}

/** What a Fabric proof is built from. */
export interface FabricProofSource {
  kind: ProofKind;
  record: StoredDecisionRecord | StoredPaymentRecord;
  channel: string;
  chaincode: string;
  processedTransaction: Uint8Array;
  block: Uint8Array;
  head: LedgerHead;
}

export function buildFabricProof(source: FabricProofSource): FabricProofBundle {
  const header = common.Block.deserializeBinary(source.block).getHeader()!;
  return {
    version: 1,
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
    processedTransaction: Buffer.from(source.processedTransaction).toString('base64'),
    block: Buffer.from(source.block).toString('base64'),
    head: source.head,
  };
}

/** The world-state key a proof's record lives under. */
function recordKey(bundle: Pick<FabricProofBundle, 'kind' | 'claimId' | 'revision'>): string {
  const keys = { stub: { createCompositeKey } };
  return bundle.kind === 'payment'
    ? paymentKey(keys, bundle.claimId)
    : claimKey(keys, bundle.claimId, bundle.revision);
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const fabricProofSchema = z.object({
  version: z.literal(1),
  ledger: z.literal('fabric'),
  kind: z.enum(['decision', 'payment']),
  claimId: z.string().min(1),
  revision: z.number().int().positive(),
  record: z.looseObject({ claimId: z.string(), revision: z.number(), txId: z.string() }),
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  txId: z.string().min(1),
  blockNumber: z.number().int().nonnegative(),
  blockHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
  processedTransaction: base64,
  block: base64,
  head: z.object({ height: z.number().int(), blockNumber: z.number().int(), blockHash: z.string() }),
});

/** Checks a Fabric proof bundle offline. Never throws; reports every problem found. */
export function verifyFabricProof(input: unknown): ProofVerification {
  const parsed = fabricProofSchema.safeParse(input);
  if (!parsed.success) return malformedBundle(parsed.error);
  const bundle = parsed.data as unknown as FabricProofBundle;
  const problems: string[] = [];
  try {
    const { record } = bundle;
    if (record.claimId !== bundle.claimId || record.revision !== bundle.revision) {
      problems.push(
        `the record is for claim ${record.claimId} revision ${record.revision}, not the bundle's`,
      );
    }
    if (record.txId !== bundle.txId)
      problems.push(`the record names transaction ${record.txId}, not ${bundle.txId}`);

    const processed = peer.ProcessedTransaction.deserializeBinary(
      Buffer.from(bundle.processedTransaction, 'base64'),
    );
    const envelope = processed.getTransactionenvelope();
    if (!envelope) return { ok: false, problems: ['the processed transaction holds no envelope'] };
    const envelopeBytes = envelope.serializeBinary();
    const contents = readEnvelope(envelopeBytes);
    if (contents.txId !== bundle.txId)
      problems.push(`the transaction is ${contents.txId}, not ${bundle.txId}`);
    if (contents.channel !== bundle.channel)
      problems.push(`the transaction is on channel ${contents.channel}`);
    if (processed.getValidationcode() !== peer.TxValidationCode.VALID) {
      problems.push(`the peer marked the transaction invalid (code ${processed.getValidationcode()})`);
    }
    const key = recordKey(bundle);
    const write = contents.writes.find(
      (w) => w.namespace === bundle.chaincode && w.key === key && !w.isDelete,
    );
    if (!write) problems.push(`the transaction wrote nothing under the claim's key in ${bundle.chaincode}`);
    else if (write.value.toString('utf8') !== canonicalJson(record)) {
      problems.push('the record differs from what the transaction wrote');
    }

    const block = common.Block.deserializeBinary(Buffer.from(bundle.block, 'base64'));
    const header = block.getHeader();
    if (!header) return { ok: false, problems: [...problems, 'the block has no header'] };
    if (Number(header.getNumber()) !== bundle.blockNumber) {
      problems.push(`the block is number ${header.getNumber()}, not ${bundle.blockNumber}`);
    }
    if (!dataHashMatches(block, header)) {
      problems.push("the block's transactions do not match its header's data hash");
    }
    if (blockHeaderHash(header).toString('hex') !== bundle.blockHash) {
      problems.push("the block header's hash is not the bundle's blockHash");
    }
    const data = block.getData()?.getDataList_asU8() ?? [];
    const index = data.findIndex((d) => Buffer.from(d).equals(Buffer.from(envelopeBytes)));
    if (index < 0) problems.push('the transaction is not in the block');
    else if (validationCode(block, index) !== peer.TxValidationCode.VALID) {
      problems.push('the block marks the transaction invalid');
    }
    if (bundle.blockNumber > bundle.head.blockNumber) problems.push('the block is after the stated head');
  } catch (err) {
    problems.push(`the bundle cannot be decoded: ${(err as Error).message}`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
