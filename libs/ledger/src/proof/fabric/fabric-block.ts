import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { common, ledger, peer } from '@hyperledger/fabric-protos';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/**
 * Whether the block's header commits to the transactions it carries: Fabric's data hash is
 * SHA-256 over the block's transaction envelopes, concatenated.
 */
export function dataHashMatches(block: common.Block, header: common.BlockHeader): boolean {
  const hash = createHash('sha256');
  for (const envelope of block.getData()?.getDataList_asU8() ?? []) hash.update(envelope);
  return hash.digest().equals(Buffer.from(header.getDataHash_asU8()));
}

/**
 * A block header's hash as Fabric computes it (and the next block names as its previous hash):
 * SHA-256 over the DER encoding of SEQUENCE { number INTEGER, previousHash OCTET STRING, dataHash OCTET STRING }.
 */
export function blockHeaderHash(header: common.BlockHeader): Buffer {
  const der = new asn1js.Sequence({
    value: [
      asn1js.Integer.fromBigInt(BigInt(header.getNumber())),
      new asn1js.OctetString({ valueHex: header.getPreviousHash_asU8() }),
      new asn1js.OctetString({ valueHex: header.getDataHash_asU8() }),
    ],
  }).toBER(false);
  return sha256(new Uint8Array(der));
}

/** The validation code the committing peer gave the transaction at `index` of a block. */
export function validationCode(block: common.Block, index: number): number | undefined {
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  return filter?.[index];
}

/** What a transaction envelope says about itself: its id, channel, and what it wrote per namespace. */
export interface EnvelopeContents {
  txId: string;
  channel: string;
  writes: { namespace: string; key: string; value: Buffer; isDelete: boolean }[];
}

/** Decodes an endorser transaction envelope down to its write sets. */
export function readEnvelope(envelopeBytes: Uint8Array): EnvelopeContents {
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  const writes: EnvelopeContents['writes'] = [];
  if (channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION) {
    for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
      const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction()!;
      const response = peer.ProposalResponsePayload.deserializeBinary(
        endorsed.getProposalResponsePayload_asU8(),
      );
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
      const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
      for (const ns of rwset.getNsRwsetList()) {
        const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
        for (const write of kv.getWritesList()) {
          writes.push({
            namespace: ns.getNamespace(),
            key: write.getKey(),
            value: Buffer.from(write.getValue_asU8()),
            isDelete: write.getIsDelete(),
          });
        }
      }
    }
  }
  return { txId: channelHeader.getTxId(), channel: channelHeader.getChannelId(), writes };
}

/** Whether `envelope` is at some position of the block's data, and where. */
export function envelopeIndex(block: common.Block, envelope: Uint8Array): number {
  const wanted = Buffer.from(envelope);
  return (block.getData()?.getDataList_asU8() ?? []).findIndex((d) => wanted.equals(Buffer.from(d)));
}
