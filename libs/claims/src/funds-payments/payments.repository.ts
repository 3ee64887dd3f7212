import type { PaymentRecord } from '@claimtrail/ledger';
import type {
  CareType,
  ClaimLine,
  ClaimStatus,
  DecisionInputs,
  DecisionStatus,
  LineDecision,
} from '../domain';
import type { Transaction } from '../platform/transactions';
import type { Fund } from './funds.repository';

/** A claim as payments read it: the whole row, which the ledger check compares with the ledger's record. */
export interface ClaimToPay {
  id: string;
  providerId: string;
  payerId: string;
  memberId: string;
  planVersionId: string;
  externalRef: string;
  requestHash: string;
  status: ClaimStatus;
  revision: number;
  currency: string;
  serviceDate: string;
  diagnoses: string[];
  careType: CareType;
  previousClaimId: string | null;
  ledgerHeadAtSubmission: string;
  totalClaimed: number;
  /** Not read by payments. */
  commitmentSalt: string;
  claimCommitment: string;
  lines: Required<ClaimLine>[];
  /** Not read by payments. */
  approvedLines: [string, number][] | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The decision on one revision of a claim, as PostgreSQL holds it. */
export interface DecisionToPay {
  claimId: string;
  revision: number;
  status: DecisionStatus;
  currency: string;
  totalClaimed: number;
  totalEligible: number;
  totalCoPayment: number;
  totalDeductible: number;
  totalApproved: number;
  reasonCodes: string[];
  /** Not read by payments. */
  inputs: DecisionInputs | null;
  note: string | null;
  lines: LineDecision[];
  ruleSetHash: string;
  decidedAt: Date;
  decidedBy: string;
}

/** One attempt at paying a claim; a later attempt follows only one the ledger refused. */
export interface Payment {
  claimId: string;
  attempt: number;
  revision: number;
  payerId: string;
  amount: number;
  paymentRef: string;
  paidAt: Date;
  /** The outbox entry queuing the payment for the ledger. */
  ledgerOutboxId: number | null;
  /** When the ledger refused this attempt; null while it stands. */
  refusedAt: Date | null;
}

/** A payment attempt as it is written. */
export type NewPayment = Omit<Payment, 'refusedAt' | 'ledgerOutboxId'> & { ledgerOutboxId: number };

/** What one payment attempt takes from one fund for one benefit category. */
export interface PaymentAllocation {
  fundId: string;
  category: string;
  amount: number;
}

/** A claim's state transition, as its event records it. */
export interface PaidEvent {
  claimId: string;
  revision: number;
  from: ClaimStatus;
  to: ClaimStatus;
  actor: string;
  detail: Record<string, unknown>;
}

/**
 * What paying a claim reads and writes in PostgreSQL: the claim and its decision, the payments
 * made under a reference, the funds drawn on, the ledger outbox and the claim's events. The locks
 * are taken in the order the caller calls them: payment reference, claim, then funds by id.
 */
export abstract class PaymentsRepository {
  /** The payer's payments under this reference, newest attempt first; in `tx` when given. */
  abstract paymentsWithRef(payerId: string, paymentRef: string, tx?: Transaction): Promise<Payment[]>;
  /** The payment record queued for the ledger under this outbox entry, if any; in `tx` when given. */
  abstract queuedPaymentRecord(ledgerOutboxId: number, tx?: Transaction): Promise<PaymentRecord | null>;
  /** The payer's claim; another payer's is not found. */
  abstract findClaim(payerId: string, claimId: string): Promise<ClaimToPay | null>;
  /** The decision on this revision of the claim; throws when there is none. */
  abstract decisionOf(claimId: string, revision: number): Promise<DecisionToPay>;
  /**
   * Holds the payer's payment reference until the transaction ends: one payment per reference at a
   * time, so two claims cannot both take a fresh reference.
   */
  abstract lockPaymentRef(tx: Transaction, payerId: string, paymentRef: string): Promise<void>;
  /** The payer's claim, row-locked until the transaction ends; another payer's is neither locked nor found. */
  abstract lockClaim(tx: Transaction, payerId: string, claimId: string): Promise<ClaimToPay | null>;
  /** The plan a published plan version belongs to. */
  abstract planIdOfVersion(tx: Transaction, planVersionId: string): Promise<string>;
  /**
   * The funds a payment may draw on, row-locked in id order (one global order, so concurrent
   * payments cannot deadlock): same currency, covering the service date, money left.
   */
  abstract lockFundsToDrawOn(tx: Transaction, currency: string, serviceDate: string): Promise<Fund[]>;
  /** The claim's next attempt number: 1, or one after its last. */
  abstract nextAttempt(tx: Transaction, claimId: string): Promise<number>;
  /** Queues a payment record for the ledger, signed by the payer; answers the outbox entry's id. */
  abstract queuePayment(
    tx: Transaction,
    entry: { claimId: string; revision: number; signerOrgId: string; record: PaymentRecord },
  ): Promise<number>;
  abstract insertPayment(tx: Transaction, payment: NewPayment): Promise<void>;
  abstract insertAllocations(
    tx: Transaction,
    claimId: string,
    attempt: number,
    allocations: readonly PaymentAllocation[],
  ): Promise<void>;
  /** Sets what has been allocated from a fund (locked by the caller). */
  abstract updateAllocated(tx: Transaction, fundId: string, allocated: number): Promise<void>;
  /** Moves the claim to `paid`. */
  abstract markClaimPaid(tx: Transaction, claimId: string): Promise<void>;
  /** Appends the claim's event of a transition. */
  abstract recordClaimEvent(tx: Transaction, event: PaidEvent): Promise<void>;
}
