import { ClaimStatus } from '../domain';
import { AppError, AppErrorCode } from '../common/app.errors';
import type { PaymentResult } from '../common/api-views';
import type { Transaction } from '../platform/transactions';
import type { Payment, PaymentsRepository } from './payments.repository';

export type { PaymentResult } from '../common/api-views';

/**
 * The answer to a repeated payment request, if it is one. A payment reference is the payer's
 * idempotency key and stays bound to the claim it first paid: the same reference for another
 * claim is a conflict; for the same claim it replays the live payment. An attempt the ledger
 * refused no longer answers for its reference, so the payer's retry with it pays again.
 */
export async function replayOfRef(
  repo: PaymentsRepository,
  tx: Transaction | undefined,
  payerId: string,
  claimId: string,
  paymentRef: string,
): Promise<PaymentResult | null> {
  const used = await repo.paymentsWithRef(payerId, paymentRef, tx);
  const live = used.find((p) => p.claimId === claimId && p.refusedAt === null);
  if (live) return { ...(await resultOf(repo, tx, live)), replayed: true };
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
async function resultOf(
  repo: PaymentsRepository,
  tx: Transaction | undefined,
  payment: Payment,
): Promise<Omit<PaymentResult, 'replayed'>> {
  const record = payment.ledgerOutboxId ? await repo.queuedPaymentRecord(payment.ledgerOutboxId, tx) : null;
  return {
    claimId: payment.claimId,
    status: ClaimStatus.Paid,
    amount: payment.amount,
    paymentRef: payment.paymentRef,
    attempt: payment.attempt,
    allocations: record?.allocations ?? [],
  };
}
