import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE } from '@claimtrail/chaincode/caller-identity';
import type { StoredFundRecord } from '@claimtrail/chaincode/records';
import type { ProofVerification } from '../proof-bundle';
import { malformedBundle } from '../proof-bundle.schema';
import { recordKey } from '../record-key';
import type { TrustAnchor } from '../trust-anchor';
import { blockHeaderHash, readEnvelope } from './fabric-block';
import { signedBy, trustedIdentity } from './fabric-identity';
import { fabricProofBundleSchema, type FabricProofBundle } from './fabric-proof-bundle';

/**
 * Checks a Fabric proof bundle offline against the verifier's own trust file (never keys from the
 * bundle): the transaction wrote exactly this record under the claim's key; its creator is a client
 * of a payer MSP, certified by that MSP's root, naming the record's payer, and signed the
 * envelope; its endorsements are signatures of peers certified by their MSPs' roots over exactly
 * this result, and they satisfy the endorsement policy (a payer MSP's peer, and for every fund the
 * transaction writes, a peer of the fund's funder MSP); the block header hashes to blockHash.
 * What it cannot show offline: that the block holds the transaction and that the peers marked it
 * valid (see FabricProofBundle) — ask a trusted peer (FabricLedger.confirmProof). Never throws.
 */
export function verifyFabricProof(input: unknown, trust: TrustAnchor): ProofVerification {
  const parsed = fabricProofBundleSchema.safeParse(input);
  if (!parsed.success) return malformedBundle(parsed.error);
  const bundle = parsed.data as unknown as FabricProofBundle;
  const problems: string[] = [];
  try {
    problems.push(...checkRecord(bundle));
    problems.push(...checkTransaction(bundle, trust));
    const header = common.BlockHeader.deserializeBinary(Buffer.from(bundle.blockHeader, 'base64'));
    if (Number(header.getNumber()) !== bundle.blockNumber) {
      problems.push(`the block header is of block ${header.getNumber()}, not ${bundle.blockNumber}`);
    }
    if (blockHeaderHash(header).toString('hex') !== bundle.blockHash) {
      problems.push("the block header's hash is not the bundle's blockHash");
    }
    if (bundle.blockNumber > bundle.head.blockNumber) problems.push('the block is after the stated head');
  } catch (err) {
    problems.push(`the bundle cannot be decoded: ${(err as Error).message}`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function checkRecord(bundle: FabricProofBundle): string[] {
  const { record } = bundle;
  const problems: string[] = [];
  if (record.claimId !== bundle.claimId || record.revision !== bundle.revision) {
    problems.push(`the record is for claim ${record.claimId} revision ${record.revision}, not the bundle's`);
  }
  if (record.txId !== bundle.txId)
    problems.push(`the record names transaction ${record.txId}, not ${bundle.txId}`);
  const contents = readEnvelope(Buffer.from(bundle.envelope, 'base64'));
  if (contents.txId !== bundle.txId) problems.push(`the transaction is ${contents.txId}, not ${bundle.txId}`);
  if (contents.channel !== bundle.channel) problems.push(`the transaction is on channel ${contents.channel}`);
  const key = recordKey(bundle.kind, bundle.claimId, bundle.revision);
  const write = contents.writes.find((w) => w.namespace === bundle.chaincode && w.key === key && !w.isDelete);
  if (!write) problems.push(`the transaction wrote nothing under the claim's key in ${bundle.chaincode}`);
  else if (write.value.toString('utf8') !== canonicalJson(record)) {
    problems.push('the record differs from what the transaction wrote');
  }
  return problems;
}

function checkTransaction(bundle: FabricProofBundle, trust: TrustAnchor): string[] {
  const problems: string[] = [];
  const envelope = common.Envelope.deserializeBinary(Buffer.from(bundle.envelope, 'base64'));
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    payload.getHeader()!.getSignatureHeader_asU8(),
  );
  const creatorBytes = signatureHeader.getCreator_asU8();
  const stamp = channelHeader.getTimestamp();
  const at = new Date(Number(stamp?.getSeconds() ?? 0) * 1000 + Math.floor((stamp?.getNanos() ?? 0) / 1e6));

  // Fabric's transaction id is SHA-256(nonce || creator): it names this creator.
  const txId = createHash('sha256')
    .update(signatureHeader.getNonce_asU8())
    .update(creatorBytes)
    .digest('hex');
  if (txId !== channelHeader.getTxId())
    problems.push('the transaction id is not derived from its creator and nonce');

  const creator = trustedIdentity(creatorBytes, trust, at);
  if (typeof creator === 'string') problems.push(`creator: ${creator}`);
  else {
    if (!signedBy(creator, payloadBytes, envelope.getSignature_asU8()))
      problems.push(`the creator's signature does not verify with its certificate`);
    if (!creator.ous.includes('client')) problems.push(`the creator is not a client of ${creator.mspId}`);
    if (creator.kind !== 'payer')
      problems.push(`the creator's MSP ${creator.mspId} stands for ${creator.kind}s, not payers`);
    if (creator.attributes[KIND_ATTRIBUTE] !== 'payer')
      problems.push('the creator is not certified as a payer');
    if (creator.attributes[ORG_ID_ATTRIBUTE] !== bundle.record.payerId) {
      problems.push(
        `the creator is certified as ${creator.attributes[ORG_ID_ATTRIBUTE] ?? 'no organization'}, not payer ${bundle.record.payerId}`,
      );
    }
    if (bundle.record.recordedBy !== creator.mspId) {
      problems.push(
        `the record says it was recorded by ${bundle.record.recordedBy}, but ${creator.mspId} signed it`,
      );
    }
  }

  const endorsers = new Set<string>();
  const actions = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
  if (actions.length !== 1) problems.push(`the transaction has ${actions.length} actions, not one`);
  for (const action of actions) {
    if (
      !Buffer.from(
        common.SignatureHeader.deserializeBinary(action.getHeader_asU8()).getCreator_asU8(),
      ).equals(Buffer.from(creatorBytes))
    )
      problems.push("the action's creator is not the transaction's");
    const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction()!;
    const response = endorsed.getProposalResponsePayload_asU8();
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
      peer.ProposalResponsePayload.deserializeBinary(response).getExtension_asU8(),
    );
    if (chaincodeAction.getChaincodeId()?.getName() !== bundle.chaincode)
      problems.push(
        `the transaction ran ${chaincodeAction.getChaincodeId()?.getName()}, not ${bundle.chaincode}`,
      );
    for (const endorsement of endorsed.getEndorsementsList()) {
      const endorserBytes = endorsement.getEndorser_asU8();
      const endorser = trustedIdentity(endorserBytes, trust, at);
      if (typeof endorser === 'string') {
        problems.push(`endorser: ${endorser}`);
        continue;
      }
      const signed = Buffer.concat([Buffer.from(response), Buffer.from(endorserBytes)]);
      if (!signedBy(endorser, signed, endorsement.getSignature_asU8()))
        problems.push(`the endorsement of ${endorser.mspId} does not verify with its certificate`);
      else if (!endorser.ous.includes('peer'))
        problems.push(`an endorser of ${endorser.mspId} is not a peer`);
      else endorsers.add(endorser.mspId);
    }
  }
  problems.push(...policyProblems(bundle, trust, endorsers));
  return problems;
}

/**
 * The endorsement policy as the channel applies it: the chaincode's (a payer MSP's peer) and, for
 * every fund the transaction writes, the fund key's own (a peer of the funder MSP that created it).
 */
function policyProblems(bundle: FabricProofBundle, trust: TrustAnchor, endorsers: Set<string>): string[] {
  const kindOf = (mspId: string) => trust.msps.find((m) => m.mspId === mspId)?.kind;
  const problems: string[] = [];
  if (![...endorsers].some((m) => kindOf(m) === 'payer'))
    problems.push("no payer MSP's peer endorsed the transaction");
  const funds = readEnvelope(Buffer.from(bundle.envelope, 'base64'))
    .writes.filter((w) => w.namespace === bundle.chaincode && !w.isDelete)
    .map((w) => {
      try {
        return JSON.parse(w.value.toString('utf8')) as Partial<StoredFundRecord>;
      } catch {
        return {};
      }
    })
    .filter((v): v is StoredFundRecord => v.docType === 'fund');
  for (const fund of funds) {
    if (kindOf(fund.createdBy) !== 'funder' || !endorsers.has(fund.createdBy)) {
      problems.push(
        `fund ${fund.fundId} was written without the endorsement of its funder's peer (${fund.createdBy})`,
      );
    }
  }
  return problems;
}
