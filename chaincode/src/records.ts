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
