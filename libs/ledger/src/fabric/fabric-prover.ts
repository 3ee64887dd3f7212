import { common, peer } from '@hyperledger/fabric-protos';
import type { StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/chaincode/records';
import type { ProofKind } from '../proof/proof-bundle';
import { buildFabricProof } from '../proof/fabric/build-fabric-proof';
import {
  blockHeaderHash,
  dataHashMatches,
  envelopeIndex,
  validationCode,
} from '../proof/fabric/fabric-block';
import type { FabricProofBundle } from '../proof/fabric/fabric-proof-bundle';
import type { TrustAnchor } from '../proof/trust-anchor';
import type { FabricReader } from './fabric-reader';
import { fabricTrustMsps } from './fabric-trust';
import type { FabricOrgKind } from './network-config';
import type { GatewayPool } from './gateway-pool';

/**
 * Fabric proofs: built from what a peer returns for a record's transaction and block, the MSPs a
 * verifier pins, and what a proof cannot show offline, confirmed with a peer.
 */
export class FabricProver {
  constructor(
    private readonly pool: GatewayPool,
    private readonly reader: FabricReader,
  ) {}

  /** A proof of `record`, written by the transaction it names. */
  async prove(
    kind: ProofKind,
    record: StoredDecisionRecord | StoredPaymentRecord,
  ): Promise<FabricProofBundle> {
    const { channel, chaincode } = this.pool.network;
    const [transaction, block, head] = await Promise.all([
      this.reader.transaction(record.txId),
      this.reader.blockByTxId(record.txId),
      this.reader.head(),
    ]);
    return buildFabricProof({
      kind,
      record,
      channel,
      chaincode,
      processedTransaction: transaction,
      block,
      head,
    });
  }

  /**
   * The `msps` part of a trust file: every MSP of the channel's configuration (as a peer returns it)
   * that the network description names, with its root certificates and the kind it stands for.
   */
  async trustedMsps(): Promise<TrustAnchor['msps']> {
    const { network } = this.pool;
    const kinds = new Map(
      Object.entries(network.orgs).map(([kind, org]) => [org.mspId, kind as FabricOrgKind]),
    );
    const config = await this.reader.read((gateway) =>
      this.pool.contract(gateway, 'cscc').evaluateTransaction('GetChannelConfig', network.channel),
    );
    return fabricTrustMsps(config, kinds);
  }

  /**
   * What a proof cannot show offline, asked of this network's peer (trust it as you trust the
   * network description): the peer's block at the proof's number hashes to the proof's blockHash,
   * its data hash covers the proof's envelope, and the peer marked the transaction valid, both in
   * the block's metadata (which no header hash covers) and in its own transaction index. Returns
   * the problems found.
   */
  async confirmProof(bundle: FabricProofBundle): Promise<string[]> {
    const { channel } = this.pool.network;
    if (bundle.channel !== channel)
      return [`the proof is for channel ${bundle.channel}, the network's is ${channel}`];
    const block = common.Block.deserializeBinary(await this.reader.block(bundle.blockNumber));
    const header = block.getHeader()!;
    const problems: string[] = [];
    if (blockHeaderHash(header).toString('hex') !== bundle.blockHash) {
      problems.push(
        `the peer's block ${bundle.blockNumber} has header hash ${blockHeaderHash(header).toString('hex')}, not the proof's ${bundle.blockHash}`,
      );
    }
    if (!dataHashMatches(block, header)) problems.push("the peer's block does not match its own data hash");
    const index = envelopeIndex(block, Buffer.from(bundle.envelope, 'base64'));
    if (index < 0)
      problems.push(`the peer's block ${bundle.blockNumber} does not hold the proof's transaction`);
    else if (validationCode(block, index) !== peer.TxValidationCode.VALID) {
      problems.push(`the peer marked the transaction invalid (code ${validationCode(block, index)})`);
    }
    const processed = peer.ProcessedTransaction.deserializeBinary(await this.reader.transaction(bundle.txId));
    if (processed.getValidationcode() !== peer.TxValidationCode.VALID) {
      problems.push(
        `the peer's index marks transaction ${bundle.txId} invalid (code ${processed.getValidationcode()})`,
      );
    }
    return problems;
  }
}
