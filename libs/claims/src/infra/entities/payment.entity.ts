import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/**
 * One attempt at paying a claim's approved amount. At most one attempt of a claim is live (not
 * refused); an attempt the chaincode refused is kept, with its reason, and the payer may pay again.
 */
@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn('uuid', { name: 'claim_id' }) claimId!: string;
  @PrimaryColumn('integer') attempt!: number;
  @Column('integer') revision!: number;
  @Column('uuid', { name: 'payer_id' }) payerId!: string;
  @Column('bigint', { transformer: bigintToNumber }) amount!: number;
  /** The payer's reference: its idempotency key, bound to this claim. */
  @Column('text', { name: 'payment_ref' }) paymentRef!: string;
  @Column('timestamptz', { name: 'paid_at' }) paidAt!: Date;
  /** The outbox row carrying this attempt's ledger record. */
  @Column('bigint', { name: 'ledger_outbox_id', nullable: true, transformer: bigintToNumber })
  ledgerOutboxId!: number | null;
  @Column('timestamptz', { name: 'refused_at', nullable: true }) refusedAt!: Date | null;
  /** The chaincode's code (e.g. FUND_OVERSPENT) when it refused the payment. */
  @Column('text', { name: 'refusal_code', nullable: true }) refusalCode!: string | null;
  @Column('text', { name: 'refusal_message', nullable: true }) refusalMessage!: string | null;
}

/** What a payment attempt took from one fund for one benefit category; released if the attempt is refused. */
@Entity('payment_allocations')
export class PaymentAllocationEntity {
  @PrimaryColumn('uuid', { name: 'claim_id' }) claimId!: string;
  @PrimaryColumn('integer') attempt!: number;
  @PrimaryColumn('uuid', { name: 'fund_id' }) fundId!: string;
  @PrimaryColumn('text') category!: string;
  @Column('bigint', { transformer: bigintToNumber }) amount!: number;
  @Column('timestamptz', { name: 'released_at', nullable: true }) releasedAt!: Date | null;
}
