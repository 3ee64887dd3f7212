import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import { headerHashMatches, type BlockHeader } from '../chain/block-header';
import { rootFromAuditPath } from '../chain/merkle';
import {
  computeTxHash,
  deriveTxId,
  payloadSigningBytes,
  type TransactionPayload,
} from '../chain/transaction';
import { verifyBytes } from '../signing';
import type { ProofBundle, ProofKind, ProofVerification, ProvableRecord } from './proof-bundle';
import { malformedBundle, proofBundleSchema } from './proof-bundle.schema';
import { isFabricProof, verifyFabricProof } from '../fabric/fabric-proof';

const LEDGER_FIELDS = new Set(['docType', 'txId', 'recordedAt', 'recordedBy']);

/** Per kind: the stored docType, the function that records it, and how errors name it. */
const KINDS: Readonly<Record<ProofKind, { docType: string; fn: string; noun: string }>> = {
  decision: { docType: 'claimDecision', fn: 'RecordDecisions', noun: 'decision' },
  payment: { docType: 'claimPayment', fn: 'RecordPayments', noun: 'payment' },
};

/**
 * Checks a proof bundle offline, with no access to the ledger: the record is the one the signed
 * transaction carried, the signature verifies, the transaction is in the block (Merkle path), and
 * the block is linked by valid headers to the stated head. Never throws; reports every problem found.
 */
export function verifyProofBundle(input: ProofBundle | unknown): ProofVerification {
  if (isFabricProof(input)) return verifyFabricProof(input);
  const parsed = proofBundleSchema.safeParse(input);
  if (!parsed.success) return malformedBundle(parsed.error);
  // The record is only checked structurally here; its content is compared with the signed transaction below.
  const bundle = parsed.data as unknown as ProofBundle<ProvableRecord>;
  const problems = [...checkRecord(bundle), ...checkTransaction(bundle), ...checkBlocks(bundle)];
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function checkRecord(bundle: ProofBundle<ProvableRecord>): string[] {
  const { record, claimId, revision } = bundle;
  const kind = KINDS[bundle.kind ?? 'decision'];
  const payload = bundle.transaction.payload;
  const problems: string[] = [];
  if (record.claimId !== claimId || record.revision !== revision) {
    problems.push(
      `the record is for claim ${record.claimId} revision ${record.revision}, not claim ${claimId} revision ${revision}`,
    );
  }
  if (record.docType !== kind.docType)
    problems.push(`the record is a '${record.docType}', not a claim ${kind.noun}`);
  if (record.txId !== payload.txId) {
    problems.push(
      `the record names transaction ${short(record.txId)} but the bundle carries transaction ${short(payload.txId)}`,
    );
  }
  if (record.recordedBy !== payload.creator.mspId) {
    problems.push(
      `the record says it was recorded by ${record.recordedBy}, but the transaction was signed by ${payload.creator.mspId}`,
    );
  }
  // Chaincode writes the transaction timestamp as a millisecond ISO string; nothing else is accepted.
  const txTime = Date.parse(payload.timestamp);
  if (Number.isNaN(txTime)) problems.push(`the transaction timestamp (${payload.timestamp}) is not a date`);
  else if (record.recordedAt !== new Date(txTime).toISOString()) {
    problems.push(
      `the record's recordedAt (${record.recordedAt}) is not the transaction's timestamp (${payload.timestamp})`,
    );
  }
  const submitted = submittedInTransaction(payload, record, kind);
  if (typeof submitted === 'string') problems.push(submitted);
  else if (canonicalJson(submitted) !== canonicalJson(withoutLedgerFields(record))) {
    problems.push(
      `the record differs from the ${kind.noun} the transaction carries for claim ${record.claimId} revision ${record.revision}`,
    );
  }
  return problems;
}

/**
 * The record the transaction submitted for the record's key (the first one, as chaincode keeps it),
 * or why there is none. A decision is keyed by claim and revision, a payment by claim alone.
 */
function submittedInTransaction(
  payload: TransactionPayload,
  record: ProvableRecord,
  kind: (typeof KINDS)[ProofKind],
): unknown {
  if (payload.chaincode !== 'claimtrail' || payload.fn !== kind.fn || payload.args.length !== 1) {
    return `the transaction is ${payload.chaincode}.${payload.fn} with ${payload.args.length} argument(s), not claimtrail.${kind.fn} with a batch`;
  }
  let batch: unknown;
  try {
    batch = JSON.parse(payload.args[0]);
  } catch {
    return "the transaction's batch argument is not JSON";
  }
  if (!Array.isArray(batch)) return `the transaction's batch argument is not a list of ${kind.noun}s`;
  const match = (batch as unknown[]).find(
    (item: unknown) =>
      typeof item === 'object' &&
      item !== null &&
      (item as ProvableRecord).claimId === record.claimId &&
      (kind.fn === 'RecordPayments' || (item as ProvableRecord).revision === record.revision),
  );
  return (
    match ??
    `the transaction does not contain a ${kind.noun} for claim ${record.claimId} revision ${record.revision}`
  );
}

function withoutLedgerFields(record: ProvableRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !LEDGER_FIELDS.has(key)));
}

function checkTransaction(bundle: ProofBundle<ProvableRecord>): string[] {
  const { payload, signature, txHash } = bundle.transaction;
  const problems: string[] = [];
  if (payload.creator.kind !== 'payer')
    problems.push(`the transaction was signed by a ${payload.creator.kind}, not a payer`);
  if (bundle.record.payerId !== payload.creator.orgId) {
    problems.push(
      `the record's payer ${bundle.record.payerId} is not the signing organization ${payload.creator.orgId}`,
    );
  }
  if (deriveTxId(payload.nonce, payload.creator) !== payload.txId) {
    problems.push('the transaction id does not derive from its nonce and creator');
  }
  if (!verifyBytes(payloadSigningBytes(payload), signature, payload.creator.publicKeyPem)) {
    problems.push("transaction signature does not verify with the creator's public key");
  }
  const computed = computeTxHash({ payload, signature });
  if (computed !== txHash) problems.push('transaction hash does not match its contents');
  const { block, txIndex, blockTxCount, merklePath } = bundle;
  const root = rootFromAuditPath(
    Buffer.from(computed, 'hex'),
    txIndex,
    blockTxCount,
    merklePath.map((h) => Buffer.from(h, 'hex')),
  );
  if (!root || root.toString('hex') !== block.merkleRoot) {
    problems.push(
      `Merkle path does not lead from the transaction (index ${txIndex}) to block ${block.number}'s Merkle root`,
    );
  }
  return problems;
}

function checkBlocks(bundle: ProofBundle<ProvableRecord>): string[] {
  const problems: string[] = [];
  let previous: BlockHeader = bundle.block;
  if (!headerHashMatches(previous))
    problems.push(`block ${previous.number} hash does not match its contents`);
  for (const header of bundle.headerChain) {
    if (header.number !== previous.number + 1) {
      problems.push(`header chain jumps from block ${previous.number} to block ${header.number}`);
    } else if (header.previousHash !== previous.hash) {
      problems.push(
        `block ${header.number} does not link to block ${previous.number} (previous hash differs)`,
      );
    }
    if (!headerHashMatches(header)) problems.push(`block ${header.number} hash does not match its contents`);
    previous = header;
  }
  const { head } = bundle;
  if (previous.number !== head.number || previous.hash !== head.hash) {
    problems.push(
      `header chain ends at block ${previous.number} (${short(previous.hash)}), not at the stated head block ${head.number} (${short(head.hash)})`,
    );
  }
  return problems;
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}
