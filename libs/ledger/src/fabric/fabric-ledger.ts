import type {
  AccessLogAnchor,
  AccessLogAnchorOutcome,
  ClaimRecords,
  DecisionRecord,
  FundRecord,
  FundTopUp,
  FundView,
  PaymentRecord,
  StoredAccessLogAnchor,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';
import type {
  ChainCheck,
  DecisionEventStream,
  EventCheckpoint,
  FundReceipt,
  LedgerHead,
  LedgerPort,
  LedgerReceipt,
  SigningIdentity,
} from '../ledger.port';
import type { PaymentProofBundle, ProofBundle } from '../proof/proof-bundle';
import type { FabricProofBundle } from '../proof/fabric/fabric-proof-bundle';
import type { TrustAnchor } from '../proof/trust-anchor';
import { checkFabricChain, fabricBlockHash } from './fabric-chain-check';
import { followDecisionEvents } from './fabric-events';
import { FabricProver } from './fabric-prover';
import { FabricReader } from './fabric-reader';
import { GatewayPool } from './gateway-pool';
import type { FabricNetworkConfig } from './network-config';
import { TransactionSubmitter } from './transaction-submitter';

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

/**
 * LedgerPort on a Hyperledger Fabric network through the Gateway service. Each platform
 * organization signs with its own key under a client certificate issued by its Fabric
 * organization's CA (see enrolment.ts); a batch of records is one transaction, and a receipt
 * names the transaction and the block it committed in. The work is done by the gateway pool
 * (connections, identities), the submitter (writes with retry), the reader (queries), the prover
 * and the chain check; this class only routes the port's operations to them.
 */
export class FabricLedger implements LedgerPort {
  private readonly pool: GatewayPool;
  private readonly reader: FabricReader;
  private readonly submitter: TransactionSubmitter;
  private readonly prover: FabricProver;

  constructor(network: FabricNetworkConfig, options: FabricLedgerOptions = {}) {
    this.pool = new GatewayPool(network, {
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      readTimeoutMs: options.readTimeoutMs ?? 5_000,
      commitTimeoutMs: options.commitTimeoutMs ?? 60_000,
      attempts: options.attempts ?? 4,
    });
    this.reader = new FabricReader(this.pool);
    this.submitter = new TransactionSubmitter(this.pool, this.reader);
    this.prover = new FabricProver(this.pool, this.reader);
  }

  recordDecisions(records: DecisionRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]> {
    return this.submitter.records(signer, 'RecordDecisions', JSON.stringify(records));
  }

  recordPayments(payments: PaymentRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]> {
    return this.submitter.records(signer, 'RecordPayments', JSON.stringify(payments));
  }

  createFund(fund: FundRecord, signer: SigningIdentity): Promise<FundReceipt> {
    return this.submitter.fund(signer, 'CreateFund', JSON.stringify(fund));
  }

  topUpFund(topUp: FundTopUp, signer: SigningIdentity): Promise<FundReceipt> {
    return this.submitter.fund(signer, 'TopUpFund', JSON.stringify(topUp));
  }

  async anchorAccessLog(anchor: AccessLogAnchor, signer: SigningIdentity): Promise<AccessLogAnchorOutcome> {
    // Needs a Fabric organization for the operator (none in the default network: SIGNING_FAILED).
    const done = await this.submitter.submit(signer, 'RecordAccessLogAnchor', JSON.stringify(anchor));
    return JSON.parse(done.result) as AccessLogAnchorOutcome;
  }

  async accessLogAnchors(after: number): Promise<StoredAccessLogAnchor[]> {
    return (
      (await this.reader.evaluate<StoredAccessLogAnchor[]>(
        'GetAccessLogAnchors',
        JSON.stringify({ after }),
      )) ?? []
    );
  }

  getFund(fundId: string): Promise<FundView | null> {
    return this.reader.evaluate<FundView>('GetFund', fundId);
  }

  async getFundAllocations(fundId: string): Promise<StoredAllocationRecord[]> {
    return (await this.reader.evaluate<StoredAllocationRecord[]>('GetFundAllocations', fundId)) ?? [];
  }

  getPayment(claimId: string): Promise<StoredPaymentRecord | null> {
    return this.reader.evaluate<StoredPaymentRecord>('GetPayment', claimId);
  }

  async claimRecords(claimIds: readonly string[]): Promise<ClaimRecords[]> {
    if (claimIds.length === 0) return [];
    return (await this.reader.evaluate<ClaimRecords[]>('GetClaimRecords', JSON.stringify(claimIds))) ?? [];
  }

  async getClaimHistory(claimId: string): Promise<StoredDecisionRecord[]> {
    return (await this.reader.evaluate<StoredDecisionRecord[]>('GetClaimHistory', claimId)) ?? [];
  }

  head(): Promise<LedgerHead> {
    return this.reader.head();
  }

  async proveClaim(claimId: string, revision?: number): Promise<ProofBundle | null> {
    const history = await this.getClaimHistory(claimId);
    const record = revision === undefined ? history.at(-1) : history.find((r) => r.revision === revision);
    if (!record) return null;
    return (await this.prover.prove('decision', record)) as unknown as ProofBundle;
  }

  async provePayment(claimId: string): Promise<PaymentProofBundle | null> {
    const record = await this.getPayment(claimId);
    if (!record) return null;
    return (await this.prover.prove('payment', record)) as unknown as PaymentProofBundle;
  }

  checkChain(): Promise<ChainCheck> {
    return checkFabricChain(this.reader);
  }

  decisionEvents(after: EventCheckpoint | null, attempt = 0): Promise<DecisionEventStream> {
    return followDecisionEvents(this.pool, after, attempt);
  }

  /** The hash (hex) of the header of the block a peer holds at `blockNumber`. */
  blockHash(blockNumber: number): Promise<string> {
    return fabricBlockHash(this.reader, blockNumber);
  }

  /** The MSPs a verifier of this network's proofs pins, with their root certificates (see FabricProver). */
  trustedMsps(): Promise<TrustAnchor['msps']> {
    return this.prover.trustedMsps();
  }

  /** What a proof cannot show offline, confirmed with this network's peer; the problems found (see FabricProver). */
  confirmProof(bundle: FabricProofBundle): Promise<string[]> {
    return this.prover.confirmProof(bundle);
  }

  /** Closes every gateway and gRPC connection. */
  close(): void {
    this.pool.close();
  }

  /** Nest calls this when the application shuts down. */
  onApplicationShutdown(): void {
    this.close();
  }
}
