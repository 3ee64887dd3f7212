import { DomainError, DomainErrorCode } from './domain.error';

/** Every state a claim can be in. */
export enum ClaimStatus {
  Received = 'received',
  Adjudicating = 'adjudicating',
  Approved = 'approved',
  PartiallyApproved = 'partially_approved',
  Rejected = 'rejected',
  Pended = 'pended',
  Paid = 'paid',
  Voided = 'voided',
  /** Adjudication failed on every attempt of its retry budget; the reason is kept on the claim. */
  Error = 'error',
  /** The chaincode refused the claim's payment: no money moved, and the payer may pay again. */
  PaymentRefused = 'payment_refused',
  /** The chaincode refused the claim's decision record: it cannot be paid until the ledger records it. */
  DecisionRefused = 'decision_refused',
}

/** States a decision leaves a claim in, and the one a refused decision returns to once recorded. */
const DECISION_OUTCOMES = [
  ClaimStatus.Approved,
  ClaimStatus.PartiallyApproved,
  ClaimStatus.Rejected,
  ClaimStatus.Pended,
] as const;

const transitions: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  [ClaimStatus.Received]: [ClaimStatus.Adjudicating, ClaimStatus.Voided],
  [ClaimStatus.Adjudicating]: [
    ClaimStatus.Error,
    ClaimStatus.Approved,
    ClaimStatus.PartiallyApproved,
    ClaimStatus.Rejected,
    ClaimStatus.Pended,
  ],
  [ClaimStatus.Pended]: [
    ClaimStatus.Approved,
    ClaimStatus.PartiallyApproved,
    ClaimStatus.Rejected,
    ClaimStatus.DecisionRefused,
  ],
  [ClaimStatus.Approved]: [ClaimStatus.Paid, ClaimStatus.DecisionRefused],
  [ClaimStatus.PartiallyApproved]: [ClaimStatus.Paid, ClaimStatus.DecisionRefused],
  [ClaimStatus.Rejected]: [ClaimStatus.DecisionRefused],
  // The payment goes to the ledger after the claim is paid in PostgreSQL; the chaincode may refuse it.
  [ClaimStatus.Paid]: [ClaimStatus.PaymentRefused],
  [ClaimStatus.PaymentRefused]: [ClaimStatus.Paid],
  // Once the ledger records the decision after a retry, the claim is back where the decision put it.
  [ClaimStatus.DecisionRefused]: DECISION_OUTCOMES,
  [ClaimStatus.Voided]: [],
  // An operator may send a failed claim round again once its cause is fixed.
  [ClaimStatus.Error]: [ClaimStatus.Received],
};

/** Whether the state machine allows `from → to`. */
export function canTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return transitions[from].includes(to);
}

/** Throws unless `from → to` is allowed. */
export function assertTransition(from: ClaimStatus, to: ClaimStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError(DomainErrorCode.InvalidTransition, `a ${from} claim cannot become ${to}`, [
      { field: 'status', rule: 'transition' },
    ]);
  }
}

/** States in which the claim has a decision. */
export const DECIDED_STATUSES: readonly ClaimStatus[] = DECISION_OUTCOMES;

/** States in which a claim may be paid: approved, partially approved, or its last payment refused. */
export const PAYABLE_STATUSES: readonly ClaimStatus[] = [
  ClaimStatus.Approved,
  ClaimStatus.PartiallyApproved,
  ClaimStatus.PaymentRefused,
];
