import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Identity,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { backOff } from 'exponential-backoff';
import { LedgerError } from '../ledger.errors';
import type { SigningIdentity } from '../ledger.port';
import { commitTransaction, RETRY_BACKOFF } from './commit-transaction';
import { enrol } from './enrolment';
import { asLedgerError, isTransient } from './fabric-errors';
import type { FabricNetworkConfig, FabricOrgConfig, FabricOrgKind } from './network-config';

/** Deadlines and attempts of the pool's gateways. */
export interface GatewaySettings {
  /** Deadline of an endorsement or submission, ms. */
  callTimeoutMs: number;
  /** Deadline of a read on one peer, ms. */
  readTimeoutMs: number;
  /** How long to wait for a transaction's commit status, ms. */
  commitTimeoutMs: number;
  /** Attempts for a transaction that failed transiently. */
  attempts: number;
}

/** Reads go to the payer's peer first (the one every write is endorsed on), then to the others. */
export const READ_ORDER: readonly FabricOrgKind[] = ['payer', 'provider', 'funder'];

/**
 * The gRPC connections to the organizations' peers (one per peer) and the Gateway connections
 * over them (one per identity): readers, ordinary members for reads, and each platform
 * organization signing with its own key, enrolled and registered on first use.
 */
export class GatewayPool {
  private readonly clients = new Map<FabricOrgKind, grpc.Client>();
  private readonly gateways = new Map<string, Promise<Gateway>>();

  constructor(
    readonly network: FabricNetworkConfig,
    readonly settings: GatewaySettings,
  ) {}

  /** The contract of the network's chaincode on its channel, through `gateway`. */
  contract(gateway: Gateway, chaincode = this.network.chaincode): Contract {
    return gateway.getNetwork(this.network.channel).getContract(chaincode);
  }

  /** The MSP id of the Fabric organization a platform organization signs in. */
  mspIdOf(signer: SigningIdentity): string {
    return this.network.orgs[fabricKind(signer.kind)].mspId;
  }

  /** An ordinary member of the organization, for reads through its own peer. */
  readerGateway(kind: FabricOrgKind): Promise<Gateway> {
    const org = this.network.orgs[kind];
    return this.gateway(`reader:${kind}`, kind, async () => ({
      identity: { mspId: org.mspId, credentials: readFileSync(org.userCertPath) },
      signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(org.userKeyPath))),
    }));
  }

  /**
   * The gateway of a platform organization: its own key, a certificate from its Fabric
   * organization's enrolment authority, its kind's peer; on first use its org id is registered to
   * that MSP on the channel (RegisterOrganization, a no-op when it already is).
   */
  gatewayFor(signer: SigningIdentity): Promise<Gateway> {
    const kind = fabricKind(signer.kind);
    const key = `org:${signer.orgId}`;
    const registered = this.gateways.has(key);
    const gateway = this.gateway(key, kind, () => this.signingCredentials(kind, signer));
    if (registered) return gateway;
    const ready = gateway.then(async (g) => {
      const contract = this.contract(g);
      // Already registered (every process signs for the same organizations): no transaction.
      if (await isRegistered(contract)) return g;
      await backOff(() => commitTransaction(contract, 'RegisterOrganization', []), {
        ...RETRY_BACKOFF,
        numOfAttempts: this.settings.attempts,
        retry: (err) => isTransient(err),
      });
      return g;
    });
    // A failed registration is not cached: the next call enrols and registers again.
    ready.catch(() => this.gateways.delete(key));
    this.gateways.set(key, ready);
    return ready;
  }

  /** Closes every gateway and gRPC connection. */
  close(): void {
    for (const gateway of this.gateways.values()) void gateway.then((g) => g.close()).catch(() => undefined);
    this.gateways.clear();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** Enrols the organization's key with its Fabric organization's enrolment authority. */
  private async signingCredentials(
    kind: FabricOrgKind,
    signer: SigningIdentity,
  ): Promise<{ identity: Identity; signer: Signer }> {
    const org = this.network.orgs[kind];
    if (!org.enrolment) {
      throw new LedgerError(
        'SIGNING_FAILED',
        `${org.mspId} does not delegate signing to the platform (no enrolment in the network description): ${signer.orgId} submits its own records`,
      );
    }
    const certPem = await enrol(
      { url: org.enrolment.url, secret: readFileSync(org.enrolment.secretPath, 'utf8').trim() },
      signer,
    );
    let signing: Signer;
    try {
      signing = signers.newPrivateKeySigner(createPrivateKey(signer.privateKeyPem));
    } catch (err) {
      throw new LedgerError(
        'SIGNING_FAILED',
        `cannot sign for ${signer.orgId}: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    }
    return { identity: { mspId: org.mspId, credentials: Buffer.from(certPem) }, signer: signing };
  }

  private gateway(
    key: string,
    kind: FabricOrgKind,
    credentials: () => Promise<{ identity: Identity; signer: Signer }>,
  ): Promise<Gateway> {
    let gateway = this.gateways.get(key);
    if (!gateway) {
      const { readTimeoutMs, callTimeoutMs, commitTimeoutMs } = this.settings;
      gateway = credentials().then(({ identity, signer }) =>
        connect({
          client: this.client(kind),
          identity,
          signer,
          hash: hash.sha256,
          evaluateOptions: () => ({ deadline: Date.now() + readTimeoutMs }),
          endorseOptions: () => ({ deadline: Date.now() + callTimeoutMs }),
          submitOptions: () => ({ deadline: Date.now() + callTimeoutMs }),
          commitStatusOptions: () => ({ deadline: Date.now() + commitTimeoutMs }),
        }),
      );
      // A failed enrolment is not cached: the next call tries again.
      gateway.catch(() => this.gateways.delete(key));
      this.gateways.set(key, gateway);
    }
    return gateway;
  }

  private client(kind: FabricOrgKind): grpc.Client {
    let client = this.clients.get(kind);
    if (!client) {
      client = connectPeer(this.network.orgs[kind]);
      this.clients.set(kind, client);
    }
    return client;
  }
}

/** Whether the gateway's organization is already registered to its MSP (a dry run of RegisterOrganization). */
async function isRegistered(contract: Contract): Promise<boolean> {
  try {
    const answer = JSON.parse(
      Buffer.from(await contract.evaluateTransaction('RegisterOrganization')).toString('utf8'),
    ) as { outcome?: string };
    return answer.outcome === 'unchanged';
  } catch (err) {
    throw asLedgerError(err, 'RegisterOrganization');
  }
}

/** A gRPC connection to an organization's peer over TLS. */
function connectPeer(org: FabricOrgConfig): grpc.Client {
  const credentials = grpc.credentials.createSsl(readFileSync(org.tlsRootCertPath));
  return new grpc.Client(org.peerEndpoint, credentials, {
    ...(org.peerHostAlias ? { 'grpc.ssl_target_name_override': org.peerHostAlias } : {}),
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    // Back within seconds of a peer's return (gRPC's own backoff grows to two minutes).
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 5_000,
  });
}

/** The Fabric organization that stands for a platform organization's kind. */
function fabricKind(kind: string): FabricOrgKind {
  if (kind === 'payer' || kind === 'provider' || kind === 'funder') return kind;
  throw new LedgerError(
    'SIGNING_FAILED',
    `no Fabric organization stands for organizations of kind '${kind}'`,
  );
}
