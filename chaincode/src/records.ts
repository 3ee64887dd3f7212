/**
 * Ledger record shapes shared by the chaincode, both ledgers and proof verification.
 * They carry no PHI: random ids, a pseudonymous member reference, a salted commitment,
 * benefit categories, amounts in integer minor units, reason codes and the rule-set hash.
 */

/** Decision status as written to the ledger. */
export type LedgerDecisionStatus = 'approved' | 'partially_approved' | 'rejected' | 'pended';

/** One adjudicated claim line, without service or diagnosis codes. */
export interface DecisionLineRecord {
  lineNo: number;
  category: string;
  claimed: number;
  approved: number;
  status: 'approved' | 'adjusted' | 'rejected' | 'pended';
  reasonCodes: string[];
}

/** A decision on one claim revision, as submitted by the deciding payer. */
export interface DecisionRecord {
  claimId: string;
  revision: number;
  payerId: string;
  providerId: string;
  planVersionId: string;
  memberRef: string;
  claimCommitment: string;
  status: LedgerDecisionStatus;
  currency: string;
  totals: { claimed: number; eligible: number; coPayment: number; deductible: number; approved: number };
  lines: DecisionLineRecord[];
  ruleSetHash: string;
  /**
   * Ledger head hash when the claim was submitted: with the claim id it seeds review sampling, so
   * anyone can re-derive which claims a plan's sampling rate had to send to review.
   */
  reviewSeed: string;
  decidedAt: string;
  decidedBy: string;
}

/** A decision record as stored in world state: the submitted record plus what the ledger adds. */
export interface StoredDecisionRecord extends DecisionRecord {
  docType: 'claimDecision';
  txId: string;
  recordedAt: string;
  recordedBy: string;
}

/** Per-record outcome of a RecordDecisions transaction. */
export interface RecordOutcome {
  claimId: string;
  revision: number;
  outcome: 'recorded' | 'unchanged' | 'conflict';
  /** Transaction that first recorded this key (this one for `recorded`). */
  txId: string;
}

/** What a fund may be spent on; an absent list means "any". */
export interface FundEarmarks {
  payerIds?: string[];
  planIds?: string[];
  providerIds?: string[];
  categories?: string[];
}

/** A funder's budget as submitted to CreateFund. */
export interface FundRecord {
  fundId: string;
  funderId: string;
  currency: string;
  /** The cap on the fund's deposits (opening deposit plus every top-up), integer minor units. */
  budget: number;
  /** The opening deposit, at most `budget`; absent, the whole budget is deposited at once. */
  deposit?: number;
  /** Service dates the fund covers, YYYY-MM-DD, both inclusive. */
  period: { start: string; end: string };
  earmarks: FundEarmarks;
  name?: string;
}

/** A fund as stored in world state. */
export interface StoredFundRecord extends FundRecord {
  docType: 'fund';
  /** Deposits so far: the opening deposit plus every top-up; never above `budget`. */
  total: number;
  /** Sum of every allocation to the fund. */
  allocated: number;
  /** Transaction that created the fund. */
  txId: string;
  createdAt: string;
  createdBy: string;
}

/** A fund as GetFund returns it. */
export interface FundView extends StoredFundRecord {
  remaining: number;
}

/** A top-up of a fund, idempotent by topUpId. */
export interface FundTopUp {
  fundId: string;
  topUpId: string;
  amount: number;
}

/** A top-up as stored in world state. */
export interface StoredFundTopUp extends FundTopUp {
  docType: 'fundTopUp';
  txId: string;
  recordedAt: string;
}

/** Outcome of CreateFund or TopUpFund. */
export interface FundOutcome {
  fundId: string;
  outcome: 'recorded' | 'unchanged';
  /** Transaction that first recorded the fund or top-up. */
  txId: string;
}

/** Part of a payment charged to one fund for one benefit category. */
export interface PaymentAllocation {
  fundId: string;
  category: string;
  amount: number;
}

/** A payer's payment of a decided claim, as submitted to RecordPayments. */
export interface PaymentRecord {
  claimId: string;
  /** The decision revision paid. */
  revision: number;
  payerId: string;
  providerId: string;
  planId: string;
  currency: string;
  amount: number;
  serviceDate: string;
  paidAt: string;
  paymentRef: string;
  allocations: PaymentAllocation[];
}

/** A payment as stored in world state. */
export interface StoredPaymentRecord extends PaymentRecord {
  docType: 'claimPayment';
  txId: string;
  recordedAt: string;
  recordedBy: string;
}

/** What one payment charged to one fund (key `alloc` [fundId, claimId]). */
export interface StoredAllocationRecord {
  docType: 'fundAllocation';
  fundId: string;
  claimId: string;
  revision: number;
  payerId: string;
  providerId: string;
  planId: string;
  currency: string;
  serviceDate: string;
  /** Sum over `categories`. */
  amount: number;
  /** Per category, in the payment's allocation order. */
  categories: { category: string; amount: number }[];
  txId: string;
  recordedAt: string;
}

/** Everything the ledger holds about one claim: its decision revisions, payment and fund allocations. */
export interface ClaimRecords {
  claimId: string;
  /** Oldest revision first. */
  decisions: StoredDecisionRecord[];
  payment: StoredPaymentRecord | null;
  /** The allocation records of the payment, one per fund. */
  allocations: StoredAllocationRecord[];
}

/** The access log's head at one moment: its sequence number and hash. No PHI: a hash of who read what. */
export interface AccessLogAnchor {
  seq: number;
  hash: string;
}

/** An access-log anchor as the ledger stores it. */
export interface StoredAccessLogAnchor extends AccessLogAnchor {
  docType: 'accessLogAnchor';
  txId: string;
  recordedAt: string;
  /** MSP id of the operator that recorded it. */
  recordedBy: string;
}

/** What RecordAccessLogAnchor did. */
export interface AccessLogAnchorOutcome {
  seq: number;
  outcome: 'recorded' | 'unchanged';
  txId: string;
}
