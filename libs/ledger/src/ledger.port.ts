import type {
  DecisionRecord,
  FundRecord,
  FundTopUp,
  FundView,
  PaymentRecord,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';
import type { PaymentProofBundle, ProofBundle } from './proof/proof-bundle';

/** Organization kinds that may sign ledger transactions. */
export type OrgKind = 'payer' | 'provider' | 'funder' | 'operator';

/** The identity a ledger transaction is signed with: one per organization. */
export interface SigningIdentity {
  orgId: string;
  kind: OrgKind;
  /** Fabric MSP id; the embedded ledger uses the organization id. */
  mspId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Where one record landed on the ledger. */
export interface LedgerReceipt {
  claimId: string;
  revision: number;
  outcome: 'recorded' | 'unchanged' | 'conflict';
  /** Transaction holding the record (the original one for `unchanged`). */
  txId: string;
  /** Block holding that transaction; null for `conflict`. */
  blockNumber: number | null;
}

/** Where a fund creation or top-up landed on the ledger. */
export interface FundReceipt {
  fundId: string;
  outcome: 'recorded' | 'unchanged';
  /** Transaction holding the fund or top-up (the original one for `unchanged`). */
  txId: string;
  blockNumber: number | null;
}

/** The newest block. */
export interface LedgerHead {
  height: number;
  blockNumber: number;
  blockHash: string;
}

/** Result of re-verifying the whole stored chain. */
export interface ChainCheck {
  ok: boolean;
  blocksChecked: number;
  /** First block that fails, with the reason. */
  firstBadBlock?: { number: number; reason: string };
}

/** The claim revisions one ledger transaction recorded, as its chaincode event announced them. */
export interface DecisionEvent {
  blockNumber: number;
  txId: string;
  records: { claimId: string; revision: number }[];
}

/** How far a consumer of ledger events has got: the last event it has dealt with. */
export interface EventCheckpoint {
  blockNumber: number;
  txId: string;
}

/** A live stream of decision events; `close()` ends it. */
export interface DecisionEventStream extends AsyncIterable<DecisionEvent> {
  close(): void;
}

/** Business-facing ledger operations; implemented by EmbeddedLedger and FabricLedger. */
export interface LedgerPort {
  /** Records decisions signed by `signer` in one ledger transaction; identical records are no-ops. */
  recordDecisions(records: DecisionRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]>;
  /** Every recorded revision of a claim's decision, oldest first. */
  getClaimHistory(claimId: string): Promise<StoredDecisionRecord[]>;
  /** The newest block. */
  head(): Promise<LedgerHead>;
  /** A self-contained proof for a claim's latest (or given) revision, or null when none is recorded. */
  proveClaim(claimId: string, revision?: number): Promise<ProofBundle | null>;
  /** Re-verifies every stored block and transaction. */
  checkChain(): Promise<ChainCheck>;
  /** Creates a fund signed by its funder; the identical fund again is a no-op, a different one is refused. */
  createFund(fund: FundRecord, signer: SigningIdentity): Promise<FundReceipt>;
  /** Tops up a fund owned by `signer`; idempotent by topUpId. */
  topUpFund(topUp: FundTopUp, signer: SigningIdentity): Promise<FundReceipt>;
  /**
   * Records payments (with fund allocations) signed by the paying payer in one ledger transaction;
   * receipts are keyed by claim id with the paid decision revision. Any invalid payment refuses the batch.
   */
  recordPayments(payments: PaymentRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]>;
  /** A fund with its total, allocated and remaining amounts, or null. */
  getFund(fundId: string): Promise<FundView | null>;
  /** Every allocation to a fund, ordered by claim id. */
  getFundAllocations(fundId: string): Promise<StoredAllocationRecord[]>;
  /** The payment recorded for a claim, or null. */
  getPayment(claimId: string): Promise<StoredPaymentRecord | null>;
  /** A self-contained proof of a claim's payment, or null when none is recorded. */
  provePayment(claimId: string): Promise<PaymentProofBundle | null>;
  /**
   * Follows decision events from just after `after` (from the channel's first block when null);
   * `attempt` counts reconnections, so a ledger with several peers can try another one. Only
   * ledgers whose records reach the platform by another road than the relay's answer have it.
   */
  decisionEvents?(after: EventCheckpoint | null, attempt?: number): Promise<DecisionEventStream>;
  /** Releases what the ledger holds open (connections); the database stays the caller's. */
  close(): void;
}

/** Nest injection token for the configured LedgerPort. */
export const LEDGER = Symbol('LEDGER');
