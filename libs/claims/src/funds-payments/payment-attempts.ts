import { ClaimStatus } from '../domain';
import { AppError, AppErrorCode } from '../common/app.errors';
import type { Transaction } from '../platform/transactions';
import type { Payment, PaymentsRepository } from './payments.repository';

/** What paying one claim did (or, replayed, what it did the first time). */
export interface PaymentResult {
  claimId: string;
  status: ClaimStatus;
  amount: number;
  paymentRef: string;
  /** Which attempt at paying this claim this is: 1, or more after the ledger refused earlier ones. */
  attempt: number;
  allocations: { fundId: string; category: string; amount: number }[];
  /** True when this answers a repeat of a request already carried out (`Idempotent-Replayed`). */
  replayed: boolean;
}

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
