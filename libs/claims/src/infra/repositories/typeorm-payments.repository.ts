import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PaymentRecord } from '@claimtrail/ledger';
import { lockClaim, planVersionById } from '../../adjudication/decide-claim';
import { recordClaimEvent } from '../../common/claim-events';
import { ClaimStatus } from '../../domain';
import type { Fund } from '../../funds-payments/funds.repository';
import {
  type PaymentAllocation,
  type ClaimToPay,
  type DecisionToPay,
  type NewPayment,
  type PaidEvent,
  type Payment,
  PaymentsRepository,
} from '../../funds-payments/payments.repository';
import type { Transaction } from '../../platform/transactions';
import {
  ClaimDecisionEntity,
  ClaimEntity,
  FundEntity,
  LedgerOutboxEntity,
  PaymentAllocationEntity,
  PaymentEntity,
} from '../entities';
import { managerOf } from './typeorm-transactions';

// Advisory-lock class of payment references (two-key form, apart from single-key locks).
const PAYMENT_REF_LOCK = 7_463_518;

/**
 * Payments in PostgreSQL (`payments`, `payment_allocations`, the `funds` they draw on, the
 * `ledger_outbox` and `claim_events`). The claim's lock and its plan version are read as
 * adjudication reads them.
 */
@Injectable()
export class TypeOrmPaymentsRepository extends PaymentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  paymentsWithRef(payerId: string, paymentRef: string, tx?: Transaction): Promise<Payment[]> {
    return managerOf(this.db, tx).find(PaymentEntity, {
      where: { payerId, paymentRef },
      order: { attempt: 'DESC' },
    });
  }

  async queuedPaymentRecord(ledgerOutboxId: number, tx?: Transaction): Promise<PaymentRecord | null> {
    const outbox = await managerOf(this.db, tx).findOneBy(LedgerOutboxEntity, { id: ledgerOutboxId });
    return (outbox?.record as PaymentRecord | undefined) ?? null;
  }

  findClaim(payerId: string, claimId: string): Promise<ClaimToPay | null> {
    return this.db.getRepository(ClaimEntity).findOneBy({ id: claimId, payerId });
  }

  decisionOf(claimId: string, revision: number): Promise<DecisionToPay> {
    return this.db.getRepository(ClaimDecisionEntity).findOneByOrFail({ claimId, revision });
  }

  async lockPaymentRef(tx: Transaction, payerId: string, paymentRef: string): Promise<void> {
    await managerOf(this.db, tx).query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      PAYMENT_REF_LOCK,
      `${payerId}:${paymentRef}`,
    ]);
  }

  lockClaim(tx: Transaction, payerId: string, claimId: string): Promise<ClaimToPay | null> {
    return lockClaim(managerOf(this.db, tx), claimId, payerId);
  }

  async planIdOfVersion(tx: Transaction, planVersionId: string): Promise<string> {
    return (await planVersionById(managerOf(this.db, tx), planVersionId)).planId;
  }

  lockFundsToDrawOn(tx: Transaction, currency: string, serviceDate: string): Promise<Fund[]> {
    return managerOf(this.db, tx)
      .createQueryBuilder(FundEntity, 'f')
      .setLock('pessimistic_write')
      .where(
        'f.currency = :currency AND f.period_start <= :d AND f.period_end >= :d AND f.allocated < f.total',
        { currency, d: serviceDate },
      )
      .orderBy('f.id')
      .getMany();
  }

  async nextAttempt(tx: Transaction, claimId: string): Promise<number> {
    const [{ last }] = (await managerOf(this.db, tx).query(
      `SELECT coalesce(max(attempt), 0)::int AS last FROM payments WHERE claim_id = $1`,
      [claimId],
    )) as { last: number }[];
    return last + 1;
  }

  async queuePayment(
    tx: Transaction,
    entry: { claimId: string; revision: number; signerOrgId: string; record: PaymentRecord },
  ): Promise<number> {
    const outbox = await managerOf(this.db, tx).insert(LedgerOutboxEntity, {
      kind: 'payment',
      claimId: entry.claimId,
      revision: entry.revision,
      signerOrgId: entry.signerOrgId,
      record: entry.record,
      attempts: 0,
    });
    return Number((outbox.identifiers[0] as { id: number | string }).id);
  }

  async insertPayment(tx: Transaction, payment: NewPayment): Promise<void> {
    await managerOf(this.db, tx).insert(PaymentEntity, payment);
  }

  async insertAllocations(
    tx: Transaction,
    claimId: string,
    attempt: number,
    allocations: readonly PaymentAllocation[],
  ): Promise<void> {
    await managerOf(this.db, tx).insert(
      PaymentAllocationEntity,
      allocations.map((a) => ({ claimId, attempt, ...a })),
    );
  }

  async updateAllocated(tx: Transaction, fundId: string, allocated: number): Promise<void> {
    await managerOf(this.db, tx).update(FundEntity, { id: fundId }, { allocated });
  }

  async markClaimPaid(tx: Transaction, claimId: string): Promise<void> {
    await managerOf(this.db, tx).query(`UPDATE claims SET status = $2, updated_at = now() WHERE id = $1`, [
      claimId,
      ClaimStatus.Paid,
    ]);
  }

  recordClaimEvent(tx: Transaction, event: PaidEvent): Promise<void> {
    return recordClaimEvent(managerOf(this.db, tx), event);
  }
}
