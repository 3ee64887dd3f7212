import type { CareType, ClaimLine, ClaimStatus, Decision } from '../domain';

/** A claim's row as the queries read it. */
export interface ClaimRecord {
  id: string;
  externalRef: string;
  status: ClaimStatus;
  revision: number;
  providerId: string;
  payerId: string;
  memberId: string;
  planVersionId: string;
  serviceDate: string;
  careType: CareType;
  previousClaimId: string | null;
  currency: string;
  diagnoses: string[];
  lines: Required<ClaimLine>[];
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Whose claims a read may return: a provider's own, or those a payer pays. */
export interface ClaimScope {
  party: 'provider' | 'payer';
  orgId: string;
}

/** A claim's current decision (the one of its current revision), as the engine made it. */
export type CurrentDecision = Decision & { claimId: string; revision: number; note: string | null };

/** Where the ledger recorded a claim's current decision. */
export interface RecordedDecision {
  claimId: string;
  txId: string;
  block: number;
}

/** Why the chaincode last refused a claim. */
export interface LedgerRefusal {
  code: string;
  message: string;
  at: Date;
}

/** Claims read through a tenancy scope, and what the queries show beside them. */
export abstract class ClaimReadsRepository {
  /** The claim, if it is in the scope. */
  abstract find(scope: ClaimScope, id: string): Promise<ClaimRecord | null>;
  /**
   * Claims in the scope, newest first (then by id, descending), after the claim `afterId` in that
   * order when given; at most `limit`.
   */
  abstract list(
    scope: ClaimScope,
    opts: { status?: ClaimStatus; afterId?: string; limit: number },
  ): Promise<ClaimRecord[]>;
  /** The decisions of these claims' current revisions. */
  abstract currentDecisions(claimIds: readonly string[]): Promise<CurrentDecision[]>;
  /** Where the ledger recorded these claims' current decisions (recorded, or found already there). */
  abstract recordedDecisions(claimIds: readonly string[]): Promise<RecordedDecision[]>;
  /** Each claim's latest refusal into one of `statuses`, from its events. */
  abstract latestRefusals(
    claimIds: readonly string[],
    statuses: readonly ClaimStatus[],
  ): Promise<Map<string, LedgerRefusal>>;
}
