import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  EndorseError,
  GatewayError,
  hash,
  signers,
  StatusCode,
  type Checkpoint,
  type Contract,
  type Gateway,
  type Identity,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { backOff } from 'exponential-backoff';
import type {
  AccessLogAnchor,
  AccessLogAnchorOutcome,
  ClaimRecords,
  DecisionRecord,
  FundOutcome,
  FundRecord,
  FundTopUp,
  FundView,
  PaymentRecord,
  RecordOutcome,
  StoredAccessLogAnchor,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';
import { CLAIM_DECIDED_EVENT } from '@claimtrail/chaincode/claimtrail.contract';
import { LedgerError } from '../ledger.errors';
import type {
  ChainCheck,
  DecisionEvent,
  DecisionEventStream,
  EventCheckpoint,
  FundReceipt,
  LedgerHead,
  LedgerPort,
  LedgerReceipt,
  SigningIdentity,
} from '../ledger.port';
import type { PaymentProofBundle, ProofBundle } from '../proof/proof-bundle';
import { blockHeaderHash, dataHashMatches, validationCode } from './fabric-block';
import { buildFabricProof, envelopeIndex, type FabricProofBundle } from './fabric-proof';
import { fabricTrustMsps } from './fabric-trust';
import type { TrustAnchor } from '../proof/trust-anchor';
import { enrol } from './enrolment';
import type { FabricNetworkConfig, FabricOrgConfig, FabricOrgKind } from './network-config';

/** Tuning of the Fabric ledger client. */
export interface FabricLedgerOptions {
  /** Deadline of an endorsement or submission, ms. */
  callTimeoutMs?: number;
  /** Deadline of a read on one peer before the next peer is asked, ms. */
  readTimeoutMs?: number;
  /** How long to wait for a transaction's commit status, ms. */
  commitTimeoutMs?: number;
  /** Attempts for a transaction that failed transiently (peer unavailable, MVCC read conflict). */
  attempts?: number;
}

// Reads go to the payer's peer first (the one every write is endorsed on), then to the others.
const READ_ORDER: readonly FabricOrgKind[] = ['payer', 'provider', 'funder'];
const TRANSIENT_GRPC = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.ABORTED]);
const CHAINCODE_ERROR = /chaincode response \d+, ([A-Z][A-Z_]+)(?: [^:]*)?:/;
// The Gateway's word for endorsers whose proposal responses (results, read-write sets) differ.
const MISMATCH = /ProposalResponsePayloads do not match/;

/** What a submitted transaction committed as. */
interface Committed {
  txId: string;
  blockNumber: number;
  result: string;
}

/**
 * LedgerPort on a Hyperledger Fabric network through the Gateway service. Each platform
 * organization signs with its own key under a client certificate issued by its Fabric
 * organization's CA (see enrolment.ts); a batch of records is one transaction, and a receipt
 * names the transaction and the block it committed in.
 */
export class FabricLedger implements LedgerPort {
  private readonly clients = new Map<FabricOrgKind, grpc.Client>();
  private readonly gateways = new Map<string, Promise<Gateway>>();
  private readonly callTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly commitTimeoutMs: number;
  private readonly attempts: number;

  constructor(
    private readonly network: FabricNetworkConfig,
    options: FabricLedgerOptions = {},
  ) {
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.readTimeoutMs = options.readTimeoutMs ?? 5_000;
    this.commitTimeoutMs = options.commitTimeoutMs ?? 60_000;
    this.attempts = options.attempts ?? 4;
  }

  async recordDecisions(records: DecisionRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]> {
    const done = await this.submit(signer, 'RecordDecisions', JSON.stringify(records));
    return this.receipts(done);
  }

  async recordPayments(payments: PaymentRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]> {
    const done = await this.submit(signer, 'RecordPayments', JSON.stringify(payments));
    return this.receipts(done);
  }

  async createFund(fund: FundRecord, signer: SigningIdentity): Promise<FundReceipt> {
    return this.fundReceipt(await this.submit(signer, 'CreateFund', JSON.stringify(fund)));
  }

  async topUpFund(topUp: FundTopUp, signer: SigningIdentity): Promise<FundReceipt> {
    return this.fundReceipt(await this.submit(signer, 'TopUpFund', JSON.stringify(topUp)));
  }

  async anchorAccessLog(anchor: AccessLogAnchor, signer: SigningIdentity): Promise<AccessLogAnchorOutcome> {
    // Needs a Fabric organization for the operator (none in the default network: SIGNING_FAILED).
    const done = await this.submit(signer, 'RecordAccessLogAnchor', JSON.stringify(anchor));
    return JSON.parse(done.result) as AccessLogAnchorOutcome;
  }

  async accessLogAnchors(after: number): Promise<StoredAccessLogAnchor[]> {
    return (
      (await this.evaluate<StoredAccessLogAnchor[]>('GetAccessLogAnchors', JSON.stringify({ after }))) ?? []
    );
  }

  async getFund(fundId: string): Promise<FundView | null> {
    return this.evaluate<FundView>('GetFund', fundId);
  }

  async getFundAllocations(fundId: string): Promise<StoredAllocationRecord[]> {
    return (await this.evaluate<StoredAllocationRecord[]>('GetFundAllocations', fundId)) ?? [];
  }

  async getPayment(claimId: string): Promise<StoredPaymentRecord | null> {
    return this.evaluate<StoredPaymentRecord>('GetPayment', claimId);
  }

  async claimRecords(claimIds: readonly string[]): Promise<ClaimRecords[]> {
    if (claimIds.length === 0) return [];
    return (await this.evaluate<ClaimRecords[]>('GetClaimRecords', JSON.stringify(claimIds))) ?? [];
  }

  async getClaimHistory(claimId: string): Promise<StoredDecisionRecord[]> {
    return (await this.evaluate<StoredDecisionRecord[]>('GetClaimHistory', claimId)) ?? [];
  }

  async head(): Promise<LedgerHead> {
    const bytes = await this.query('GetChainInfo', this.network.channel);
    const info = common.BlockchainInfo.deserializeBinary(bytes);
    const height = Number(info.getHeight());
    return {
      height,
      blockNumber: height - 1,
      blockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'),
    };
  }

  async proveClaim(claimId: string, revision?: number): Promise<ProofBundle | null> {
    const history = await this.getClaimHistory(claimId);
    const record = revision === undefined ? history.at(-1) : history.find((r) => r.revision === revision);
    if (!record) return null;
    return (await this.prove('decision', record)) as unknown as ProofBundle;
  }

  async provePayment(claimId: string): Promise<PaymentProofBundle | null> {
    const record = await this.getPayment(claimId);
    if (!record) return null;
    return (await this.prove('payment', record)) as unknown as PaymentProofBundle;
  }

  async checkChain(): Promise<ChainCheck> {
    const { height } = await this.head();
    let previous: common.BlockHeader | undefined;
    for (let n = 0; n < height; n++) {
      const block = common.Block.deserializeBinary(await this.block(n));
      const problem = checkBlock(block, n, previous);
      if (problem) return { ok: false, blocksChecked: n, firstBadBlock: { number: n, reason: problem } };
      previous = block.getHeader();
    }
    return { ok: true, blocksChecked: height };
  }

  /** Closes every gateway and gRPC connection. */
  close(): void {
    for (const gateway of this.gateways.values()) void gateway.then((g) => g.close()).catch(() => undefined);
    this.gateways.clear();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** Nest calls this when the application shuts down. */
  onApplicationShutdown(): void {
    this.close();
  }

  async decisionEvents(after: EventCheckpoint | null, attempt = 0): Promise<DecisionEventStream> {
    // A checkpoint resumes at its block, after its transaction's event; without one, from block 0.
    const checkpoint: Checkpoint | undefined = after
      ? { getBlockNumber: () => BigInt(after.blockNumber), getTransactionId: () => after.txId }
      : undefined;
    const kind = READ_ORDER[attempt % READ_ORDER.length];
    const events = await (
      await this.readerGateway(kind)
    )
      .getNetwork(this.network.channel)
      .getChaincodeEvents(this.network.chaincode, { checkpoint, startBlock: BigInt(0) });
    async function* decisions(): AsyncGenerator<DecisionEvent> {
      for await (const event of events) {
        if (event.eventName !== CLAIM_DECIDED_EVENT) continue;
        const { records } = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Pick<
          DecisionEvent,
          'records'
        >;
        yield { blockNumber: Number(event.blockNumber), txId: event.transactionId, records };
      }
    }
    const stream = decisions();
    return { [Symbol.asyncIterator]: () => stream, close: () => events.close() };
  }

  /** The hash (hex) of the header of the block a peer holds at `blockNumber`. */
  async blockHash(blockNumber: number): Promise<string> {
    const header = common.Block.deserializeBinary(await this.block(blockNumber)).getHeader()!;
    return blockHeaderHash(header).toString('hex');
  }

  /**
   * The `msps` part of a trust file: every MSP of the channel's configuration (as a peer returns it)
   * that the network description names, with its root certificates and the kind it stands for.
   */
  async trustedMsps(): Promise<TrustAnchor['msps']> {
    const kinds = new Map(
      Object.entries(this.network.orgs).map(([kind, org]) => [org.mspId, kind as FabricOrgKind]),
    );
    const config = await this.read((gateway) =>
      gateway
        .getNetwork(this.network.channel)
        .getContract('cscc')
        .evaluateTransaction('GetChannelConfig', this.network.channel),
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
    if (bundle.channel !== this.network.channel)
      return [`the proof is for channel ${bundle.channel}, the network's is ${this.network.channel}`];
    const block = common.Block.deserializeBinary(await this.block(bundle.blockNumber));
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
    const processed = peer.ProcessedTransaction.deserializeBinary(
      await this.query('GetTransactionByID', this.network.channel, bundle.txId),
    );
    if (processed.getValidationcode() !== peer.TxValidationCode.VALID) {
      problems.push(
        `the peer's index marks transaction ${bundle.txId} invalid (code ${processed.getValidationcode()})`,
      );
    }
    return problems;
  }

  /** The raw block a peer holds at `blockNumber` (qscc GetBlockByNumber). */
  private block(blockNumber: number): Promise<Uint8Array> {
    return this.query('GetBlockByNumber', this.network.channel, String(blockNumber));
  }

  private async prove(kind: 'decision' | 'payment', record: StoredDecisionRecord | StoredPaymentRecord) {
    const [transaction, block, head] = await Promise.all([
      this.query('GetTransactionByID', this.network.channel, record.txId),
      this.queryBlockByTxId(record.txId),
      this.head(),
    ]);
    return buildFabricProof({
      kind,
      record,
      channel: this.network.channel,
      chaincode: this.network.chaincode,
      processedTransaction: transaction,
      block,
      head,
    }) satisfies FabricProofBundle;
  }

  private async receipts(done: Committed): Promise<LedgerReceipt[]> {
    const results = (JSON.parse(done.result) as { results: RecordOutcome[] }).results;
    const blocks = await this.locate(
      done,
      results.map((r) => r.txId),
    );
    return results.map((r) => ({
      claimId: r.claimId,
      revision: r.revision,
      outcome: r.outcome,
      txId: r.txId,
      blockNumber: r.outcome === 'conflict' ? null : (blocks.get(r.txId) ?? null),
    }));
  }

  private async fundReceipt(done: Committed): Promise<FundReceipt> {
    const outcome = JSON.parse(done.result) as FundOutcome;
    const blocks = await this.locate(done, [outcome.txId]);
    return {
      fundId: outcome.fundId,
      outcome: outcome.outcome,
      txId: outcome.txId,
      blockNumber: blocks.get(outcome.txId) ?? null,
    };
  }

  /** Block numbers of transactions: this one from its commit status, earlier ones from a peer. */
  private async locate(done: Committed, txIds: string[]): Promise<Map<string, number>> {
    const found = new Map([[done.txId, done.blockNumber]]);
    for (const txId of new Set(txIds)) {
      if (found.has(txId)) continue;
      const block = common.Block.deserializeBinary(await this.queryBlockByTxId(txId));
      found.set(txId, Number(block.getHeader()!.getNumber()));
    }
    return found;
  }

  /**
   * Endorses, orders and waits for the commit of one transaction. The Gateway picks the endorsers:
   * its own organization's peer first, then, from what that peer's run of the contract wrote, the
   * peers every policy involved needs — the chaincode's (the payer's peer) and the key-level
   * policies of the keys written (a fund's funder's peer for RecordPayments and TopUpFund).
   * Transient failures (a peer or orderer unavailable, an MVCC read conflict with a concurrent
   * transaction, another organization's peer disagreeing with the Gateway's own) are retried with
   * backoff; a chaincode refusal by the Gateway's own peer is a CHAINCODE_REJECTED LedgerError at
   * once.
   */
  private async submit(signer: SigningIdentity, fn: string, arg: string): Promise<Committed> {
    const contract = (await this.gatewayFor(signer))
      .getNetwork(this.network.channel)
      .getContract(this.network.chaincode);
    const ownMspId = this.network.orgs[fabricKind(signer.kind)].mspId;
    return backOff(() => this.submitOnce(contract, fn, arg), {
      numOfAttempts: this.attempts,
      startingDelay: 200,
      timeMultiple: 3,
      jitter: 'full',
      retry: (err) => isTransient(err) || endorsersDisagree(err, ownMspId),
    });
  }

  private async submitOnce(contract: Contract, fn: string, arg: string | string[]): Promise<Committed> {
    let submitted;
    try {
      submitted = await contract.submitAsync(fn, { arguments: Array.isArray(arg) ? arg : [arg] });
    } catch (err) {
      throw asLedgerError(err, fn);
    }
    const status = await submitted.getStatus();
    if (!status.successful) throw commitFailure(fn, status.transactionId, status.code);
    return {
      txId: status.transactionId,
      blockNumber: Number(status.blockNumber),
      result: Buffer.from(submitted.getResult()).toString('utf8'),
    };
  }

  /** Runs a read-only contract function; null when the chaincode answers NOT_FOUND. */
  private async evaluate<T>(fn: string, arg: string): Promise<T | null> {
    try {
      const bytes = await this.read((gateway) =>
        gateway
          .getNetwork(this.network.channel)
          .getContract(this.network.chaincode)
          .evaluateTransaction(fn, arg),
      );
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    } catch (err) {
      const refused = asLedgerError(err, fn);
      if (refused instanceof LedgerError && refused.chaincodeCode === 'NOT_FOUND') return null;
      throw refused;
    }
  }

  /** Calls the query system chaincode (qscc) of a peer. */
  private query(fn: string, ...args: string[]): Promise<Uint8Array> {
    return this.read((gateway) =>
      gateway
        .getNetwork(this.network.channel)
        .getContract('qscc')
        .evaluateTransaction(fn, ...args),
    );
  }

  private queryBlockByTxId(txId: string): Promise<Uint8Array> {
    return this.query('GetBlockByTxID', this.network.channel, txId);
  }

  /**
   * Runs a read on the first peer that answers: every organization's peer holds the channel, so
   * reads (and with them submissions, which read the ledger head) go on while one peer is down.
   */
  private async read<T>(call: (gateway: Gateway) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const kind of READ_ORDER) {
      try {
        return await call(await this.readerGateway(kind));
      } catch (err) {
        if (!isTransient(err)) throw err;
        lastError = err;
      }
    }
    throw asLedgerError(lastError, 'read');
  }

  /** An ordinary member of the organization, for reads through its own peer. */
  private readerGateway(kind: FabricOrgKind): Promise<Gateway> {
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
  private gatewayFor(signer: SigningIdentity): Promise<Gateway> {
    const kind = fabricKind(signer.kind);
    const org = this.network.orgs[kind];
    const key = `org:${signer.orgId}`;
    const registered = this.gateways.has(key);
    const gateway = this.gateway(key, kind, async () => {
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
          {
            cause: err,
          },
        );
      }
      return { identity: { mspId: org.mspId, credentials: Buffer.from(certPem) }, signer: signing };
    });
    if (registered) return gateway;
    const ready = gateway.then(async (g) => {
      const contract = g.getNetwork(this.network.channel).getContract(this.network.chaincode);
      // Already registered (every process signs for the same organizations): no transaction.
      if (await this.registered(contract)) return g;
      await backOff(() => this.submitOnce(contract, 'RegisterOrganization', []), {
        numOfAttempts: this.attempts,
        startingDelay: 200,
        timeMultiple: 3,
        jitter: 'full',
        retry: (err) => isTransient(err),
      });
      return g;
    });
    // A failed registration is not cached: the next call enrols and registers again.
    ready.catch(() => this.gateways.delete(key));
    this.gateways.set(key, ready);
    return ready;
  }

  /** Whether the gateway's organization is already registered to its MSP (a dry run of RegisterOrganization). */
  private async registered(contract: Contract): Promise<boolean> {
    try {
      const answer = JSON.parse(
        Buffer.from(await contract.evaluateTransaction('RegisterOrganization')).toString('utf8'),
      ) as { outcome?: string };
      return answer.outcome === 'unchanged';
    } catch (err) {
      throw asLedgerError(err, 'RegisterOrganization');
    }
  }

  private gateway(
    key: string,
    kind: FabricOrgKind,
    credentials: () => Promise<{ identity: Identity; signer: Signer }>,
  ): Promise<Gateway> {
    let gateway = this.gateways.get(key);
    if (!gateway) {
      gateway = credentials().then(({ identity, signer }) =>
        connect({
          client: this.client(kind),
          identity,
          signer,
          hash: hash.sha256,
          evaluateOptions: () => ({ deadline: Date.now() + this.readTimeoutMs }),
          endorseOptions: () => ({ deadline: Date.now() + this.callTimeoutMs }),
          submitOptions: () => ({ deadline: Date.now() + this.callTimeoutMs }),
          commitStatusOptions: () => ({ deadline: Date.now() + this.commitTimeoutMs }),
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

function isTransient(err: unknown): boolean {
  if (err instanceof LedgerError) return err.code === 'MVCC_CONFLICT' || err.code === 'UNAVAILABLE';
  return err instanceof GatewayError && TRANSIENT_GRPC.has(err.code);
}

/**
 * Whether the endorsing peers disagreed: the Gateway's own organization's peer endorsed (only
 * other organizations' peers report errors) and another's refused or computed a different
 * result. Peers commit each block independently, so this is most often a peer that has not yet
 * committed the block holding what the transaction builds on (the decision a payment pays, the
 * allocation before it); asked again a moment later, it agrees, or its refusal stands.
 */
export function endorsersDisagree(err: unknown, ownMspId: string): boolean {
  const cause = err instanceof LedgerError ? err.cause : err;
  if (!(cause instanceof EndorseError) || cause.details.length === 0) return false;
  return (
    cause.details.every((d) => d.mspId !== ownMspId) &&
    cause.details.some((d) => CHAINCODE_ERROR.test(d.message) || MISMATCH.test(d.message))
  );
}

/**
 * Maps a Gateway failure to a LedgerError: a refusal by the chaincode keeps the chaincode's code;
 * a failed endorsement for any other reason (access denied, the endorsement policy) is
 * ENDORSEMENT_FAILED; a peer or orderer that cannot be reached or does not answer in time is
 * UNAVAILABLE, the transient case.
 */
function asLedgerError(err: unknown, fn: string): unknown {
  if (!(err instanceof GatewayError)) return err;
  const messages = [err.message, ...err.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`)];
  const text = messages.join('; ');
  const refused = messages.map((m) => CHAINCODE_ERROR.exec(m)).find((m) => m !== null);
  if (refused)
    return new LedgerError('CHAINCODE_REJECTED', `${fn} refused: ${text}`, refused[1], { cause: err });
  const unreachable = err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED;
  const what = err instanceof EndorseError && !unreachable ? 'ENDORSEMENT_FAILED' : 'UNAVAILABLE';
  return new LedgerError(what, `${fn}: ${text}`, undefined, { cause: err });
}

/**
 * The LedgerError of a transaction the orderer took but the peers marked invalid, by its
 * validation code: MVCC_CONFLICT for a read conflict (transient); ENDORSEMENT_FAILED when its
 * endorsements do not satisfy a policy, the chaincode's or a key's (a fund's key needs its
 * funder's peer): like an endorsement the Gateway could not gather, only endorsing again with the
 * missing organization's peer helps; COMMIT_FAILED otherwise. The message names the code.
 */
export function commitFailure(fn: string, txId: string, code: number): LedgerError {
  const message = `${fn} transaction ${txId} did not commit: ${statusName(code)} (validation code ${code})`;
  if (code === StatusCode.MVCC_READ_CONFLICT || code === StatusCode.PHANTOM_READ_CONFLICT)
    return new LedgerError('MVCC_CONFLICT', message);
  if (code === StatusCode.ENDORSEMENT_POLICY_FAILURE)
    return new LedgerError(
      'ENDORSEMENT_FAILED',
      `${message}: its endorsements do not satisfy the chaincode's or a written key's endorsement policy`,
    );
  return new LedgerError('COMMIT_FAILED', message);
}

function statusName(code: number): string {
  const entry = Object.entries(StatusCode).find(([, value]) => value === code);
  return entry ? entry[0] : `code ${code}`;
}

/** Why block `n` is not what the chain says it is, or undefined. */
function checkBlock(
  block: common.Block,
  n: number,
  previous: common.BlockHeader | undefined,
): string | undefined {
  const header = block.getHeader();
  if (!header) return 'block has no header';
  if (Number(header.getNumber()) !== n) return `header says block ${header.getNumber()}`;
  if (!dataHashMatches(block, header)) return 'data hash does not match the transactions';
  if (previous && !Buffer.from(header.getPreviousHash_asU8()).equals(blockHeaderHash(previous))) {
    return 'previous hash does not match the previous block header';
  }
  return undefined;
}
