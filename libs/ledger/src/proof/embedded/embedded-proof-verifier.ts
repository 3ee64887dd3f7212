import { canonicalBytes } from '@claimtrail/chaincode/canonical-json';
import { headerHashMatches, type BlockHeader } from '../../chain/block-header';
import { rootFromAuditPath } from '../../chain/merkle';
import { headSignatureValid } from '../../chain/signed-head';
import {
  deriveTxId,
  valueHash,
  verifiedTxHash,
  writeLeaf,
  writeSetEntry,
  signingBytes,
  txHashOf,
} from '../../chain/transaction';
import type { ProofBundle, ProofKind, ProofVerification, ProvableRecord } from '../proof-bundle';
import { malformedBundle, proofBundleSchema } from '../proof-bundle.schema';
import { recordKey } from '../record-key';
import { sameKey, trustedOrganization, type TrustAnchor } from '../trust-anchor';
import { shortHash } from '../../chain/sha256';

/** Per kind: the stored docType, the function that records it, and how errors name it. */
const KINDS: Readonly<Record<ProofKind, { docType: string; fn: string; noun: string }>> = {
  decision: { docType: 'claimDecision', fn: 'RecordDecisions', noun: 'decision' },
  payment: { docType: 'claimPayment', fn: 'RecordPayments', noun: 'payment' },
};

/**
 * Checks an embedded ledger's proof bundle offline, with no access to the ledger, against what the verifier trusts
 * (`trust`, kept outside any proof): the record is byte for byte the value the signed transaction's
 * write set names under the record's key (a salted leaf under the signed write root), the signature
 * verifies with the key the trust file pins for the signing organization (whose kind it also pins),
 * the transaction is in the block (Merkle path, block size), and the block is linked by valid
 * headers, every field hashed, to a head or checkpoint signed with the trusted ledger head key.
 * Nothing the bundle says about keys is believed. Never throws; reports every problem found.
 */
export function verifyEmbeddedProof(input: unknown, trust: TrustAnchor): ProofVerification {
  const parsed = proofBundleSchema.safeParse(input);
  if (!parsed.success) return malformedBundle(parsed.error);
  // The record is only checked structurally here; its content is compared with the signed write below.
  const bundle = parsed.data as unknown as ProofBundle<ProvableRecord>;
  const problems = [
    ...checkRecord(bundle),
    ...checkTransaction(bundle, trust),
    ...checkBlocks(bundle, trust),
  ];
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function checkRecord(bundle: ProofBundle<ProvableRecord>): string[] {
  const { record, claimId, revision } = bundle;
  const kind = KINDS[bundle.kind];
  const { proposal, response } = bundle.transaction.content;
  const problems: string[] = [];
  if (record.claimId !== claimId || record.revision !== revision) {
    problems.push(
      `the record is for claim ${record.claimId} revision ${record.revision}, not claim ${claimId} revision ${revision}`,
    );
  }
  if (record.docType !== kind.docType)
    problems.push(`the record is a '${record.docType}', not a claim ${kind.noun}`);
  if (proposal.chaincode !== 'claimtrail' || proposal.fn !== kind.fn)
    problems.push(`the transaction is ${proposal.chaincode}.${proposal.fn}, not claimtrail.${kind.fn}`);
  if (record.txId !== proposal.txId) {
    problems.push(
      `the record names transaction ${shortHash(record.txId)} but the bundle carries transaction ${shortHash(proposal.txId)}`,
    );
  }
  if (record.recordedBy !== proposal.creator.mspId) {
    problems.push(
      `the record says it was recorded by ${record.recordedBy}, but the transaction was signed by ${proposal.creator.mspId}`,
    );
  }
  // Chaincode writes the transaction timestamp as a millisecond ISO string; nothing else is accepted.
  const txTime = Date.parse(proposal.timestamp);
  if (Number.isNaN(txTime)) problems.push(`the transaction timestamp (${proposal.timestamp}) is not a date`);
  else if (record.recordedAt !== new Date(txTime).toISOString()) {
    problems.push(
      `the record's recordedAt (${record.recordedAt}) is not the transaction's timestamp (${proposal.timestamp})`,
    );
  }
  // The leaf is rebuilt from the record itself: only this exact record under this key reaches the root.
  const entry = writeSetEntry(recordKey(bundle.kind, record.claimId, record.revision), null);
  entry.valueHash = valueHash(canonicalBytes(record));
  const { index, salt, path } = bundle.write;
  const root = rootFromAuditPath(
    writeLeaf(entry, salt),
    index,
    response.writeCount,
    path.map((h) => Buffer.from(h, 'hex')),
  );
  if (!root || root.toString('hex') !== response.writesRoot) {
    problems.push(
      `the record is not the value the transaction's write set holds under the claim's ${kind.noun} key`,
    );
  }
  return problems;
}

function checkTransaction(bundle: ProofBundle<ProvableRecord>, trust: TrustAnchor): string[] {
  const { content, signature, txHash } = bundle.transaction;
  const { creator } = content.proposal;
  const problems: string[] = [];
  if (creator.kind !== 'payer') problems.push(`the transaction was signed by a ${creator.kind}, not a payer`);
  if (bundle.record.payerId !== creator.orgId) {
    problems.push(
      `the record's payer ${bundle.record.payerId} is not the signing organization ${creator.orgId}`,
    );
  }
  if (deriveTxId(content.proposal.nonce, creator) !== content.proposal.txId) {
    problems.push('the transaction id does not derive from its nonce and creator');
  }
  const trusted = trustedOrganization(trust, creator.orgId);
  let computed = txHashOf(signingBytes(content), signature);
  if (!trusted) {
    problems.push(
      `organization ${creator.orgId}, which signed the transaction, is not in the trust file: its key is not trusted`,
    );
  } else {
    if (trusted.kind !== creator.kind)
      problems.push(
        `the trust file knows organization ${creator.orgId} as a ${trusted.kind}, but the transaction says ${creator.kind}`,
      );
    if (!sameKey(trusted.publicKeyPem, creator.publicKeyPem))
      problems.push(
        `the transaction names a signing key for organization ${creator.orgId} that is not the key the trust file pins for it`,
      );
    const verified = verifiedTxHash(content, signature, trusted.publicKeyPem);
    if (verified === null)
      problems.push(
        `the transaction's signature does not verify with organization ${creator.orgId}'s trusted key`,
      );
    else computed = verified;
  }
  if (computed !== txHash) problems.push('transaction hash does not match its contents');
  const { block, txIndex, merklePath } = bundle;
  const root = rootFromAuditPath(
    Buffer.from(computed, 'hex'),
    txIndex,
    block.txCount,
    merklePath.map((h) => Buffer.from(h, 'hex')),
  );
  if (!root || root.toString('hex') !== block.merkleRoot) {
    problems.push(
      `Merkle path does not lead from the transaction (index ${txIndex}) to block ${block.number}'s Merkle root`,
    );
  }
  return problems;
}

function checkBlocks(bundle: ProofBundle<ProvableRecord>, trust: TrustAnchor): string[] {
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
      `header chain ends at block ${previous.number} (${shortHash(previous.hash)}), not at the signed head block ${head.number} (${shortHash(head.hash)})`,
    );
  }
  if (!trust.ledgerHeadKeyPem) {
    problems.push('the trust file holds no ledger head key, so the signed head cannot be trusted');
  } else if (!headSignatureValid(head, trust.ledgerHeadKeyPem)) {
    problems.push(`head block ${head.number} is not signed with the trusted ledger head key`);
  }
  return problems;
}
