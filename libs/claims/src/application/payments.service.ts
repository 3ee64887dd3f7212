import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentRecord } from '@claimtrail/ledger';
import { allocatePayment, assertTransition, ClaimStatus, DomainError, type PaymentFacts } from '../domain';
import {
  ClaimDecisionEntity,
  FundEntity,
  LedgerOutboxEntity,
  PaymentAllocationEntity,
  PaymentEntity,
  PlanVersionEntity,
} from '../infra/entities';
import { AppError, AppErrorCode, NotFoundError } from './app.errors';
import { recordClaimEvent } from './claim-events';
import { lockClaim } from './decide-claim';

/** What paying one claim did. */
export interface PaymentResult {
  claimId: string;
  status: ClaimStatus;
  amount: number;
  allocations: { fundId: string; category: string; amount: number }[];
}

/**
 * Pays approved claims: the approved amount, allocated to eligible donor funds by the
 * allocation rule, in one transaction that also moves the claim to `paid` and queues the
 * payment for the ledger, where the chaincode checks the allocation again on its own.
 */
@Injectable()
export class PaymentsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Pays one claim made against this payer's plans. */
  async pay(
    payerId: string,
    claimId: string,
    paymentRef: string | undefined,
    now = new Date(),
  ): Promise<PaymentResult> {
    return this.db.transaction((em) =>
      this.payLocked(em, payerId, claimId, paymentRef ?? `pay-${claimId}`, now),
    );
  }

  /** Pays a batch of claims, each on its own: one refusal does not stop the others. */
  async payBatch(payerId: string, items: { claimId: string; paymentRef?: string }[]) {
    const results: (
      | ({ ok: true } & PaymentResult)
      | { ok: false; claimId: string; error: { code: string; message: string } }
    )[] = [];
    for (const item of items) {
      try {
        results.push({ ok: true, ...(await this.pay(payerId, item.claimId, item.paymentRef)) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results.push({ ok: false, claimId: item.claimId, error: { code: err.code, message: err.message } });
      }
    }
    return results;
  }

  private async payLocked(
    em: EntityManager,
    payerId: string,
    claimId: string,
    paymentRef: string,
    now: Date,
  ): Promise<PaymentResult> {
    const claim = await lockClaim(em, claimId);
    if (!claim || claim.payerId !== payerId) throw new NotFoundError('claim');
    if (claim.status !== ClaimStatus.Approved && claim.status !== ClaimStatus.PartiallyApproved) {
      throw new AppError(AppErrorCode.InvalidState, `a ${claim.status} claim cannot be paid`, [
        { field: 'status', rule: 'must be approved or partially_approved' },
      ]);
    }
    assertTransition(claim.status, ClaimStatus.Paid);
    const decision = await em.findOneByOrFail(ClaimDecisionEntity, { claimId, revision: claim.revision });
    const planVersion = await em.findOneByOrFail(PlanVersionEntity, { id: claim.planVersionId });
    const perCategory = new Map<string, number>();
    for (const line of decision.lines) {
      if (line.approved > 0)
        perCategory.set(line.category, (perCategory.get(line.category) ?? 0) + line.approved);
    }
    const facts: PaymentFacts = {
      payerId,
      planId: planVersion.planId,
      providerId: claim.providerId,
      currency: claim.currency,
      serviceDate: claim.serviceDate,
      categories: [...perCategory].map(([category, amount]) => ({ category, amount })),
    };
    // Funds are locked in one global order, so concurrent payments cannot deadlock, and each
    // payment sees what the ones before it left.
    const funds = await em
      .createQueryBuilder(FundEntity, 'f')
      .setLock('pessimistic_write')
      .where(
        'f.currency = :currency AND f.period_start <= :d AND f.period_end >= :d AND f.allocated < f.total',
        {
          currency: claim.currency,
          d: claim.serviceDate,
        },
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
    const amount = decision.totalApproved;
    await em.insert(PaymentEntity, {
      claimId,
      revision: claim.revision,
      payerId,
      amount,
      paymentRef,
      paidAt: now,
    });
    if (allocations.length > 0)
      await em.insert(
        PaymentAllocationEntity,
        allocations.map((a) => ({ claimId, ...a })),
      );
    for (const fund of funds) {
      const taken = allocations.filter((a) => a.fundId === fund.id).reduce((s, a) => s + a.amount, 0);
      if (taken > 0) await em.update(FundEntity, { id: fund.id }, { allocated: fund.allocated + taken });
    }
    await em.query(`UPDATE claims SET status = $2, updated_at = now() WHERE id = $1`, [
      claimId,
      ClaimStatus.Paid,
    ]);
    await recordClaimEvent(em, {
      claimId,
      revision: claim.revision,
      from: claim.status,
      to: ClaimStatus.Paid,
      actor: `payer:${payerId}`,
      detail: { amount, funded: allocations.reduce((s, a) => s + a.amount, 0) },
    });
    const record: PaymentRecord = {
      claimId,
      revision: claim.revision,
      payerId,
      providerId: claim.providerId,
      planId: planVersion.planId,
      currency: claim.currency,
      amount,
      serviceDate: claim.serviceDate,
      paidAt: now.toISOString(),
      paymentRef,
      allocations,
    };
    await em.insert(LedgerOutboxEntity, {
      kind: 'payment',
      claimId,
      revision: claim.revision,
      signerOrgId: payerId,
      record,
      attempts: 0,
    });
    return { claimId, status: ClaimStatus.Paid, amount, allocations };
  }
}
