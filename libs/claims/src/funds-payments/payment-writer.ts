import type { PaymentRecord, StoredDecisionRecord } from '@claimtrail/ledger';
import { allocatePayment, assertTransition, ClaimStatus, type PaymentFacts } from '../domain';
import { approvedByCategory } from '../ledger-sync/ledger-decision-check';
import type { Transaction } from '../platform/transactions';
import { type PaymentResult } from './payment-attempts';
import type { ClaimToPay, PaymentsRepository } from './payments.repository';

/** A payment attempt to write: the locked claim and the ledger's record of the decision paid. */
export interface PaymentAttempt {
  claim: ClaimToPay;
  record: StoredDecisionRecord;
  paymentRef: string;
  now: Date;
}

/**
 * Writes one payment attempt inside the caller's transaction, which holds the claim's row lock:
 * the ledger's approved amount, allocated per category to the eligible funds (locked in one
 * global order, so concurrent payments cannot deadlock and each sees what the ones before it
 * left), the claim moved to `paid` with its event, and the payment queued for the ledger.
 */
export async function writePaymentAttempt(
  repo: PaymentsRepository,
  tx: Transaction,
  { claim, record, paymentRef, now }: PaymentAttempt,
): Promise<PaymentResult> {
  assertTransition(claim.status, ClaimStatus.Paid);
  const planId = await repo.planIdOfVersion(tx, claim.planVersionId);
  const facts: PaymentFacts = {
    payerId: claim.payerId,
    planId,
    providerId: claim.providerId,
    currency: claim.currency,
    serviceDate: claim.serviceDate,
    categories: approvedByCategory(record.lines),
  };
  const funds = await repo.lockFundsToDrawOn(tx, claim.currency, claim.serviceDate);
  const allocations = allocatePayment(
    facts,
    funds.map((f) => ({
      id: f.id,
      currency: f.currency,
      remaining: f.total - f.allocated,
      periodStart: f.periodStart,
      periodEnd: f.periodEnd,
      createdAt: f.createdAt.toISOString(),
      earmarks: f.earmarks,
    })),
  );
  const amount = record.totals.approved;
  const attempt = await repo.nextAttempt(tx, claim.id);
  const ledgerRecord: PaymentRecord = {
    claimId: claim.id,
    revision: record.revision,
    payerId: claim.payerId,
    providerId: claim.providerId,
    planId,
    currency: claim.currency,
    amount,
    serviceDate: claim.serviceDate,
    paidAt: now.toISOString(),
    paymentRef,
    allocations,
  };
  const ledgerOutboxId = await repo.queuePayment(tx, {
    claimId: claim.id,
    revision: record.revision,
    signerOrgId: claim.payerId,
    record: ledgerRecord,
  });
  await repo.insertPayment(tx, {
    claimId: claim.id,
    attempt,
    revision: record.revision,
    payerId: claim.payerId,
    amount,
    paymentRef,
    paidAt: now,
    ledgerOutboxId,
  });
  if (allocations.length > 0) await repo.insertAllocations(tx, claim.id, attempt, allocations);
  for (const fund of funds) {
    const taken = allocations.filter((a) => a.fundId === fund.id).reduce((s, a) => s + a.amount, 0);
    if (taken > 0) await repo.updateAllocated(tx, fund.id, fund.allocated + taken);
  }
  await repo.markClaimPaid(tx, claim.id);
  await repo.recordClaimEvent(tx, {
    claimId: claim.id,
    revision: claim.revision,
    from: claim.status,
    to: ClaimStatus.Paid,
    actor: `payer:${claim.payerId}`,
    detail: { amount, funded: allocations.reduce((s, a) => s + a.amount, 0), paymentRef, attempt },
  });
  return {
    claimId: claim.id,
    status: ClaimStatus.Paid,
    amount,
    paymentRef,
    attempt,
    allocations,
    replayed: false,
  };
}
