import type { EntityManager } from 'typeorm';
import type { PaymentRecord, StoredDecisionRecord } from '@claimtrail/ledger';
import { allocatePayment, assertTransition, ClaimStatus, type PaymentFacts } from '../domain';
import {
  FundEntity,
  LedgerOutboxEntity,
  PaymentAllocationEntity,
  PaymentEntity,
  type ClaimEntity,
} from '../infra/entities';
import { recordClaimEvent } from '../common/claim-events';
import { planVersionById } from '../adjudication/decide-claim';
import { approvedByCategory } from '../ledger-sync/ledger-decision-check';
import { nextAttempt, type PaymentResult } from './payment-attempts';

/** A payment attempt to write: the locked claim and the ledger's record of the decision paid. */
export interface PaymentAttempt {
  claim: ClaimEntity;
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
  em: EntityManager,
  { claim, record, paymentRef, now }: PaymentAttempt,
): Promise<PaymentResult> {
  assertTransition(claim.status, ClaimStatus.Paid);
  const planVersion = await planVersionById(em, claim.planVersionId);
  const facts: PaymentFacts = {
    payerId: claim.payerId,
    planId: planVersion.planId,
    providerId: claim.providerId,
    currency: claim.currency,
    serviceDate: claim.serviceDate,
    categories: approvedByCategory(record.lines),
  };
  const funds = await em
    .createQueryBuilder(FundEntity, 'f')
    .setLock('pessimistic_write')
    .where(
      'f.currency = :currency AND f.period_start <= :d AND f.period_end >= :d AND f.allocated < f.total',
      { currency: claim.currency, d: claim.serviceDate },
    )
    .orderBy('f.id')
    .getMany();
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
  const attempt = await nextAttempt(em, claim.id);
  const ledgerRecord: PaymentRecord = {
    claimId: claim.id,
    revision: record.revision,
    payerId: claim.payerId,
    providerId: claim.providerId,
    planId: planVersion.planId,
    currency: claim.currency,
    amount,
    serviceDate: claim.serviceDate,
    paidAt: now.toISOString(),
    paymentRef,
    allocations,
  };
  const outbox = await em.insert(LedgerOutboxEntity, {
    kind: 'payment',
    claimId: claim.id,
    revision: record.revision,
    signerOrgId: claim.payerId,
    record: ledgerRecord,
    attempts: 0,
  });
  await em.insert(PaymentEntity, {
    claimId: claim.id,
    attempt,
    revision: record.revision,
    payerId: claim.payerId,
    amount,
    paymentRef,
    paidAt: now,
    ledgerOutboxId: Number((outbox.identifiers[0] as { id: number | string }).id),
  });
  if (allocations.length > 0)
    await em.insert(
      PaymentAllocationEntity,
      allocations.map((a) => ({ claimId: claim.id, attempt, ...a })),
    );
  for (const fund of funds) {
    const taken = allocations.filter((a) => a.fundId === fund.id).reduce((s, a) => s + a.amount, 0);
    if (taken > 0) await em.update(FundEntity, { id: fund.id }, { allocated: fund.allocated + taken });
  }
  await em.query(`UPDATE claims SET status = $2, updated_at = now() WHERE id = $1`, [
    claim.id,
    ClaimStatus.Paid,
  ]);
  await recordClaimEvent(em, {
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
