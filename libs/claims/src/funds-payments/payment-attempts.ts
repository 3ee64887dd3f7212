import type { EntityManager } from 'typeorm';
import type { PaymentRecord } from '@claimtrail/ledger';
import { ClaimStatus } from '../domain';
import { LedgerOutboxEntity, PaymentEntity } from '../infra/entities';
import { AppError, AppErrorCode } from '../common/app.errors';
import type { PaymentResult } from '../common/api-views';

export type { PaymentResult } from '../common/api-views';

/**
 * The answer to a repeated payment request, if it is one. A payment reference is the payer's
 * idempotency key and stays bound to the claim it first paid: the same reference for another
 * claim is a conflict; for the same claim it replays the live payment. An attempt the ledger
 * refused no longer answers for its reference, so the payer's retry with it pays again.
 */
export async function replayOfRef(
  em: EntityManager,
  payerId: string,
  claimId: string,
  paymentRef: string,
): Promise<PaymentResult | null> {
  const used = await em.find(PaymentEntity, {
    where: { payerId, paymentRef },
    order: { attempt: 'DESC' },
  });
  const live = used.find((p) => p.claimId === claimId && p.refusedAt === null);
  if (live) return { ...(await resultOf(em, live)), replayed: true };
  const other = used.find((p) => p.claimId !== claimId);
  if (other) {
    throw new AppError(
      AppErrorCode.PaymentRefConflict,
      `payment reference ${paymentRef} already names the payment of claim ${other.claimId}`,
      [
        {
          field: 'paymentRef',
          rule: `must not be reused for another claim (it paid claim ${other.claimId})`,
        },
      ],
    );
  }
  return null;
}

/** The result a payment attempt was answered with, rebuilt from its ledger record (allocations in order). */
async function resultOf(em: EntityManager, payment: PaymentEntity): Promise<Omit<PaymentResult, 'replayed'>> {
  const outbox = payment.ledgerOutboxId
    ? await em.findOneBy(LedgerOutboxEntity, { id: payment.ledgerOutboxId })
    : null;
  const record = outbox?.record as PaymentRecord | undefined;
  return {
    claimId: payment.claimId,
    status: ClaimStatus.Paid,
    amount: payment.amount,
    paymentRef: payment.paymentRef,
    attempt: payment.attempt,
    allocations: record?.allocations ?? [],
  };
}

/** The claim's next attempt number. */
export async function nextAttempt(em: EntityManager, claimId: string): Promise<number> {
  const [{ last }] = (await em.query(
    `SELECT coalesce(max(attempt), 0)::int AS last FROM payments WHERE claim_id = $1`,
    [claimId],
  )) as { last: number }[];
  return last + 1;
}
