import type { PaymentRecord } from '@claimtrail/ledger';
import { ClaimStatus } from '../domain';
import type { Fund } from '../funds-payments/funds.repository';
import {
  type ClaimToPay,
  type DecisionToPay,
  type NewPayment,
  type PaidEvent,
  type Payment,
  type PaymentAllocation,
  PaymentsRepository,
} from '../funds-payments/payments.repository';
import type { Transaction } from '../platform/transactions';

/** Payments in memory, for the use cases' specs. */
export class InMemoryPaymentsRepository extends PaymentsRepository {
  readonly claims = new Map<string, ClaimToPay>();
  /** Decisions by `claimId:revision`. */
  readonly decisions = new Map<string, DecisionToPay>();
  /** Plan versions: version id → plan id. */
  readonly planVersions = new Map<string, string>();
  readonly payments: Payment[] = [];
  readonly allocations: (PaymentAllocation & { claimId: string; attempt: number })[] = [];
  /** The ledger outbox: entries by id. */
  readonly outbox = new Map<
    number,
    { claimId: string; revision: number; signerOrgId: string; record: PaymentRecord }
  >();
  readonly events: PaidEvent[] = [];
  /** Every lock taken, in order (`ref:…`, `claim:…`, `fund:…`), for specs of the lock order. */
  readonly locks: string[] = [];

  /** The funds payments draw on, by id: pass a funds repository's map to share them. */
  constructor(readonly funds: Map<string, Fund> = new Map()) {
    super();
  }

  paymentsWithRef(payerId: string, paymentRef: string): Promise<Payment[]> {
    return Promise.resolve(
      this.payments
        .filter((p) => p.payerId === payerId && p.paymentRef === paymentRef)
        .sort((a, b) => b.attempt - a.attempt)
        .map((p) => ({ ...p })),
    );
  }

  queuedPaymentRecord(ledgerOutboxId: number): Promise<PaymentRecord | null> {
    return Promise.resolve(this.outbox.get(ledgerOutboxId)?.record ?? null);
  }

  findClaim(payerId: string, claimId: string): Promise<ClaimToPay | null> {
    const claim = this.claims.get(claimId);
    return Promise.resolve(claim && claim.payerId === payerId ? { ...claim } : null);
  }

  decisionOf(claimId: string, revision: number): Promise<DecisionToPay> {
    const decision = this.decisions.get(`${claimId}:${revision}`);
    return decision
      ? Promise.resolve({ ...decision })
      : Promise.reject(new Error(`no decision on revision ${revision} of claim ${claimId}`));
  }

  lockPaymentRef(_tx: Transaction, payerId: string, paymentRef: string): Promise<void> {
    this.locks.push(`ref:${payerId}:${paymentRef}`);
    return Promise.resolve();
  }

  async lockClaim(_tx: Transaction, payerId: string, claimId: string): Promise<ClaimToPay | null> {
    const claim = await this.findClaim(payerId, claimId);
    if (claim) this.locks.push(`claim:${claimId}`);
    return claim;
  }

  planIdOfVersion(_tx: Transaction, planVersionId: string): Promise<string> {
    const planId = this.planVersions.get(planVersionId);
    return planId ? Promise.resolve(planId) : Promise.reject(new Error(`no plan version ${planVersionId}`));
  }

  lockFundsToDrawOn(_tx: Transaction, currency: string, serviceDate: string): Promise<Fund[]> {
    const funds = [...this.funds.values()]
      .filter(
        (f) =>
          f.currency === currency &&
          f.periodStart <= serviceDate &&
          f.periodEnd >= serviceDate &&
          f.allocated < f.total,
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const f of funds) this.locks.push(`fund:${f.id}`);
    return Promise.resolve(funds.map((f) => ({ ...f })));
  }

  nextAttempt(_tx: Transaction, claimId: string): Promise<number> {
    return Promise.resolve(
      Math.max(0, ...this.payments.filter((p) => p.claimId === claimId).map((p) => p.attempt)) + 1,
    );
  }

  queuePayment(
    _tx: Transaction,
    entry: { claimId: string; revision: number; signerOrgId: string; record: PaymentRecord },
  ): Promise<number> {
    const id = this.outbox.size + 1;
    this.outbox.set(id, structuredClone(entry));
    return Promise.resolve(id);
  }

  insertPayment(_tx: Transaction, payment: NewPayment): Promise<void> {
    if (this.payments.some((p) => p.claimId === payment.claimId && p.attempt === payment.attempt))
      return Promise.reject(new Error(`claim ${payment.claimId} has attempt ${payment.attempt} already`));
    this.payments.push({ ...payment, refusedAt: null });
    return Promise.resolve();
  }

  insertAllocations(
    _tx: Transaction,
    claimId: string,
    attempt: number,
    allocations: readonly PaymentAllocation[],
  ): Promise<void> {
    this.allocations.push(...allocations.map((a) => ({ claimId, attempt, ...a })));
    return Promise.resolve();
  }

  updateAllocated(_tx: Transaction, fundId: string, allocated: number): Promise<void> {
    const fund = this.funds.get(fundId);
    if (fund) fund.allocated = allocated;
    return Promise.resolve();
  }

  markClaimPaid(_tx: Transaction, claimId: string): Promise<void> {
    const claim = this.claims.get(claimId);
    if (claim) claim.status = ClaimStatus.Paid;
    return Promise.resolve();
  }

  recordClaimEvent(_tx: Transaction, event: PaidEvent): Promise<void> {
    this.events.push(structuredClone(event));
    return Promise.resolve();
  }
}
