import { assertTransition, canTransition, ClaimStatus } from './claim-status';

describe('claim state machine', () => {
  it.each([
    [ClaimStatus.Received, ClaimStatus.Adjudicating],
    [ClaimStatus.Received, ClaimStatus.Voided],
    [ClaimStatus.Adjudicating, ClaimStatus.Pended],
    [ClaimStatus.Pended, ClaimStatus.Approved],
    [ClaimStatus.PartiallyApproved, ClaimStatus.Paid],
    [ClaimStatus.Paid, ClaimStatus.PaymentRefused],
    [ClaimStatus.PaymentRefused, ClaimStatus.Paid],
    [ClaimStatus.Approved, ClaimStatus.DecisionRefused],
    [ClaimStatus.Pended, ClaimStatus.DecisionRefused],
    [ClaimStatus.Rejected, ClaimStatus.DecisionRefused],
    [ClaimStatus.DecisionRefused, ClaimStatus.PartiallyApproved],
    [ClaimStatus.DecisionRefused, ClaimStatus.Pended],
  ])('allows %s → %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each([
    [ClaimStatus.Approved, ClaimStatus.Voided],
    [ClaimStatus.Rejected, ClaimStatus.Paid],
    [ClaimStatus.Paid, ClaimStatus.Approved],
    [ClaimStatus.Received, ClaimStatus.Approved],
    [ClaimStatus.DecisionRefused, ClaimStatus.Paid],
    [ClaimStatus.PaymentRefused, ClaimStatus.Approved],
    [ClaimStatus.Paid, ClaimStatus.DecisionRefused],
  ])('refuses %s → %s with a stable code', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
  });
});
