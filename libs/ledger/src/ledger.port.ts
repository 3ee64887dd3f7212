import type { TrustAnchor, TrustedMsp } from './proof/trust-anchor';
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
import type { OrgKind } from './chain/transaction';
import type { PaymentProofBundle, ProofBundle } from './proof/proof-bundle';

export type { OrgKind } from './chain/transaction';

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
  /** Embedded ledger: the head signed with the ledger's head key (see SignedHead), base64. */
  signature?: string;
}

/** Result of re-verifying the whole stored chain. */
export interface ChainCheck {
  ok: boolean;
  blocksChecked: number;
  /** First block that fails, with the reason. */
  firstBadBlock?: { number: number; reason: string };
  /** World-state entries compared with the chain's write sets (embedded ledger). */
  stateChecked?: number;
  /** First world-state key (readable, `type:part:…`) that differs from what the chain wrote. */
  firstBadState?: { key: string; reason: string };
}

/** Where an integrity check of the ledger's own store got to: what it verified, and when. */
export interface IntegrityCursor {
  /** Rows changed by transactions from this PostgreSQL transaction id (xid8) on are not yet checked. */
  horizon: string;
  /** The newest block verified, whose hash pins every block before it. */
  anchor: { number: number; hash: string };
}

/** One thing the integrity check found wrong in the ledger's own store. */
export interface IntegrityProblem {
  /** `block:<n>` or `state:<readable key>`. */
  subject: string;
  reason: string;
  /** Claims whose records the problem concerns (the keys the block's transactions wrote, or the key). */
  claimIds: string[];
}

/** Result of an integrity check; `cursor` is where the next incremental check starts. */
export interface IntegrityCheck {
  full: boolean;
  blocksChecked: number;
  rowsChecked: number;
  problems: IntegrityProblem[];
  cursor: IntegrityCursor;
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
  /**
   * Re-verifies every stored block and transaction (and, embedded, the world state against them);
   * with `trust`, signatures against the organizations' registered keys and checkpoints against the
   * ledger's head key, not the keys the chain names.
   */
  checkChain(trust?: TrustAnchor): Promise<ChainCheck>;
  /** The public key the ledger signs its heads and checkpoints with (SPKI PEM), if it signs any. */
  headPublicKeyPem?(): string | undefined;
  /** The MSPs a verifier should pin (Fabric), with their root certificates. */
  trustedMsps?(): Promise<TrustedMsp[]>;
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
  /** What the ledger holds for each of these claims (at most 1,000); claims with nothing recorded are left out. */
  claimRecords(claimIds: readonly string[]): Promise<ClaimRecords[]>;
  /** Pins the access log's head (sequence and hash, no PHI), signed by the operator; the same anchor again is a no-op. */
  anchorAccessLog(anchor: AccessLogAnchor, signer: SigningIdentity): Promise<AccessLogAnchorOutcome>;
  /** Access-log anchors with a sequence above `after`, oldest first, at most 1,000 per call. */
  accessLogAnchors(after: number): Promise<StoredAccessLogAnchor[]>;
  /**
   * Checks the ledger's own store for tampering: from scratch when `since` is null, otherwise what
   * changed since that cursor and the blocks appended after its anchor. Only a ledger whose store
   * the platform's database holds has it; Fabric's peers keep and check their own.
   */
  checkIntegrity?(since: IntegrityCursor | null): Promise<IntegrityCheck>;
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
