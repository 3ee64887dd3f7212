import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { FabricNetworkConfig } from '@claimtrail/ledger';
import { enrol } from '@claimtrail/ledger/fabric/enrolment';
import type { FabricOrgConfig, FabricOrgKind } from '@claimtrail/ledger/fabric/network-config';
import type { SigningIdentity } from '@claimtrail/ledger/ledger.port';

/** Every Fabric organization kind of the network, in a fixed order. */
export const ORG_KINDS: readonly FabricOrgKind[] = ['payer', 'provider', 'funder'];

/** Gateways straight to chosen peers, for what FabricLedger does not expose: one peer's view, raw proposals. */
export class FabricPeers {
  private readonly closers: (() => void)[] = [];
  private readonly readers = new Map<FabricOrgKind, Gateway>();

  constructor(readonly network: FabricNetworkConfig) {}

  /** A gateway through `kind`'s peer, signed by the organization's ordinary member (reads). */
  reader(kind: FabricOrgKind): Gateway {
    let gateway = this.readers.get(kind);
    if (!gateway) {
      const org = this.network.orgs[kind];
      gateway = this.connect(kind, {
        identity: { mspId: org.mspId, credentials: readFileSync(org.userCertPath) },
        signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(org.userKeyPath))),
      });
      this.readers.set(kind, gateway);
    }
    return gateway;
  }

  /**
   * A gateway through the peer of `signer`'s kind, signed by the platform organization itself with
   * a certificate from its Fabric organization's enrolment authority, its org id registered.
   */
  async as(signer: SigningIdentity): Promise<Gateway> {
    const kind = signer.kind as FabricOrgKind;
    const org = this.network.orgs[kind];
    const cert = await enrol(
      { url: org.enrolment!.url, secret: readFileSync(org.enrolment!.secretPath, 'utf8').trim() },
      signer,
    );
    const gateway = this.connectAs(kind, cert, signer.privateKeyPem);
    await gateway
      .getNetwork(this.network.channel)
      .getContract(this.network.chaincode)
      .submitTransaction('RegisterOrganization');
    return gateway;
  }

  /** A gateway through `kind`'s peer with any certificate, claiming `mspId` (default: `kind`'s). */
  connectAs(kind: FabricOrgKind, certPem: string, privateKeyPem: string, mspId?: string): Gateway {
    return this.connect(kind, {
      identity: { mspId: mspId ?? this.network.orgs[kind].mspId, credentials: Buffer.from(certPem) },
      signer: signers.newPrivateKeySigner(createPrivateKey(privateKeyPem)),
    });
  }

  /** Evaluates a claimtrail function on `kind`'s peer alone and parses its JSON answer. */
  async evaluateOn<T>(kind: FabricOrgKind, fn: string, arg: string): Promise<T> {
    const bytes = await this.reader(kind)
      .getNetwork(this.network.channel)
      .getContract(this.network.chaincode)
      .evaluate(fn, { arguments: [arg], endorsingOrganizations: [this.network.orgs[kind].mspId] });
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  /** The MSP ids whose peers endorsed a committed transaction, sorted, as `kind`'s peer stores it. */
  async endorsersOf(txId: string, kind: FabricOrgKind = 'payer'): Promise<string[]> {
    const bytes = await this.reader(kind)
      .getNetwork(this.network.channel)
      .getContract('qscc')
      .evaluateTransaction('GetTransactionByID', this.network.channel, txId);
    const envelope = peer.ProcessedTransaction.deserializeBinary(bytes).getTransactionenvelope()!;
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const ids = peer.Transaction.deserializeBinary(payload.getData_asU8())
      .getActionsList()
      .flatMap((action) =>
        peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8())
          .getAction()!
          .getEndorsementsList(),
      )
      .map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
    return [...new Set(ids)].sort();
  }

  /** Closes every gateway and connection made here. */
  close(): void {
    this.readers.clear();
    for (const close of this.closers.splice(0)) close();
  }

  private connect(
    kind: FabricOrgKind,
    credentials: Pick<Parameters<typeof connect>[0], 'identity' | 'signer'>,
  ) {
    const org = this.network.orgs[kind];
    const client = new grpc.Client(
      org.peerEndpoint,
      grpc.credentials.createSsl(readFileSync(org.tlsRootCertPath)),
      {
        ...(org.peerHostAlias ? { 'grpc.ssl_target_name_override': org.peerHostAlias } : {}),
      },
    );
    const gateway = connect({ client, ...credentials, hash: hash.sha256 });
    this.closers.push(() => {
      gateway.close();
      client.close();
    });
    return gateway;
  }
}

/**
 * A Fabric organization's CA certificate and key, as its administrator holds them (the local
 * network keeps them beside each other); tests use it to play that administrator, honest or not.
 */
export function organizationCa(org: FabricOrgConfig): { certPem: string; keyPem: string } {
  return {
    certPem: readFileSync(org.caCertPath, 'utf8'),
    keyPem: readFileSync(join(dirname(org.caCertPath), 'priv_sk'), 'utf8'),
  };
}

/** Polls `read` until `accept` takes its value (peers commit the same block moments apart). */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
