import { Inject, Injectable } from '@nestjs/common';
import { LEDGER, type LedgerPort, type StoredDecisionRecord } from '@claimtrail/ledger';
import { ClaimStatus, DomainError, PAYABLE_STATUSES } from '../domain';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { assertMatchesLedger, ledgerDecision } from '../ledger-sync/ledger-decision-read';
import { type Transaction, Transactions } from '../platform/transactions';
import { replayOfRef, type PaymentResult } from './payment-attempts';
import { writePaymentAttempt } from './payment-writer';
import { type ClaimToPay, PaymentsRepository } from './payments.repository';

export type { PaymentResult } from './payment-attempts';

// A batch's ledger reads in flight: enough to hide a Fabric peer's round trip, few enough for the pool.
const LEDGER_READS_IN_FLIGHT = 4;

/** A payment ready to be made: the claim as read and the ledger's record of the revision paid. */
interface Prepared {
  claim: ClaimToPay;
  record: StoredDecisionRecord;
  paymentRef: string;
}

/** `fn` over `items`, at most `width` at a time, results in the items' order. */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return results;
}

/**
 * Pays approved claims on the ledger's figures: the decision revision being paid is read from
 * the ledger and must agree with PostgreSQL's in every amount, category and party, or nothing is
 * written. The amount and the per-category amounts allocated to donor funds come from the ledger
 * record. One transaction moves the claim to `paid`, allocates the funds and queues the payment
 * for the ledger, where the chaincode checks everything again.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  /** Pays one claim made against this payer's plans; a repeat of the same request is replayed. */
  async pay(
    payerId: string,
    claimId: string,
    paymentRef: string | undefined,
    now = new Date(),
  ): Promise<PaymentResult> {
    const prepared = await this.prepare(payerId, claimId, paymentRef ?? `pay-${claimId}`);
    return 'replayed' in prepared ? prepared : this.commit(payerId, prepared, now);
  }

  /**
   * Pays a batch of claims, each on its own: one refusal does not stop the others. The ledger
   * reads go a few at a time; the payments are then made one by one in the batch's order, so
   * funds are allocated to claims in the order the payer listed them.
   */
  async payBatch(payerId: string, items: { claimId: string; paymentRef?: string }[]) {
    const prepared = await inBatches(items, LEDGER_READS_IN_FLIGHT, (item) =>
      this.prepare(payerId, item.claimId, item.paymentRef ?? `pay-${item.claimId}`).catch((err: unknown) =>
        err instanceof Error ? err : new Error(String(err)),
      ),
    );
    const results: (
      | ({ ok: true } & PaymentResult)
      | { ok: false; claimId: string; error: { code: string; message: string } }
    )[] = [];
    for (const [i, item] of items.entries()) {
      try {
        const p = prepared[i];
        if (p instanceof Error) throw p;
        results.push({ ok: true, ...('replayed' in p ? p : await this.commit(payerId, p, new Date())) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results.push({ ok: false, claimId: item.claimId, error: { code: err.code, message: err.message } });
      }
    }
    return results;
  }

  /**
   * Everything that can be checked before any lock is taken, the ledger read above all (a slow
   * ledger must not hold claim or fund rows): a replay, or the claim with the ledger's record.
   */
  private async prepare(
    payerId: string,
    claimId: string,
    paymentRef: string,
  ): Promise<Prepared | PaymentResult> {
    const replay = await replayOfRef(this.payments, undefined, payerId, claimId, paymentRef);
    if (replay) return replay;
    const claim = await this.payments.findClaim(payerId, claimId);
    if (!claim) throw new NotFoundError('claim');
    assertPayable(claim);
    const decision = await this.payments.decisionOf(claimId, claim.revision);
    if (decision.totalApproved <= 0) {
      throw new AppError(AppErrorCode.NothingToPay, `claim ${claimId} has nothing approved to pay`, [
        { field: 'decision.totals.approved', rule: 'must be above 0 to pay' },
      ]);
    }
    const record = await ledgerDecision(this.ledger, claimId, claim.revision);
    assertMatchesLedger(claim, decision, record);
    return { claim, record, paymentRef };
  }

  private commit(payerId: string, p: Prepared, now: Date): Promise<PaymentResult> {
    return this.transactions.run((tx) => this.payLocked(tx, payerId, p.claim, p.record, p.paymentRef, now));
  }

  private async payLocked(
    tx: Transaction,
    payerId: string,
    seen: ClaimToPay,
    record: StoredDecisionRecord,
    paymentRef: string,
    now: Date,
  ): Promise<PaymentResult> {
    // One payment per reference at a time, so two claims cannot both take a fresh reference.
    await this.payments.lockPaymentRef(tx, payerId, paymentRef);
    const replay = await replayOfRef(this.payments, tx, payerId, seen.id, paymentRef);
    if (replay) return replay;
    const claim = await this.payments.lockClaim(tx, payerId, seen.id);
    if (!claim) throw new NotFoundError('claim');
    assertPayable(claim);
    if (claim.revision !== seen.revision) {
      throw new AppError(AppErrorCode.InvalidState, `claim ${claim.id} was decided again while being paid`, [
        { field: 'revision', rule: `must still be ${seen.revision}; read the claim and pay again` },
      ]);
    }
    return writePaymentAttempt(this.payments, tx, { claim, record, paymentRef, now });
  }
}

/** Refuses a claim that is not in a payable state, saying what would make it payable. */
function assertPayable(claim: ClaimToPay): void {
  if (PAYABLE_STATUSES.includes(claim.status)) return;
  const rule =
    claim.status === ClaimStatus.DecisionRefused
      ? 'the ledger refused its decision: retry it with POST /v1/claims/:id/ledger-retry first'
      : 'must be approved, partially_approved or payment_refused';
  throw new AppError(AppErrorCode.InvalidState, `a ${claim.status} claim cannot be paid`, [
    { field: 'status', rule },
  ]);
}
