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
}

const transitions: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  [ClaimStatus.Received]: [ClaimStatus.Adjudicating, ClaimStatus.Voided],
  [ClaimStatus.Adjudicating]: [
    ClaimStatus.Error,
    ClaimStatus.Approved,
    ClaimStatus.PartiallyApproved,
    ClaimStatus.Rejected,
    ClaimStatus.Pended,
  ],
  [ClaimStatus.Pended]: [ClaimStatus.Approved, ClaimStatus.PartiallyApproved, ClaimStatus.Rejected],
  [ClaimStatus.Approved]: [ClaimStatus.Paid],
  [ClaimStatus.PartiallyApproved]: [ClaimStatus.Paid],
  [ClaimStatus.Rejected]: [],
  [ClaimStatus.Paid]: [],
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
export const DECIDED_STATUSES: readonly ClaimStatus[] = [
  ClaimStatus.Approved,
  ClaimStatus.PartiallyApproved,
  ClaimStatus.Rejected,
  ClaimStatus.Pended,
];
