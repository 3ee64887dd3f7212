import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/** The payment of a claim's approved amount; a claim is paid once. */
@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn('uuid', { name: 'claim_id' }) claimId!: string;
  @Column('integer') revision!: number;
  @Column('uuid', { name: 'payer_id' }) payerId!: string;
  @Column('bigint', { transformer: bigintToNumber }) amount!: number;
  @Column('text', { name: 'payment_ref' }) paymentRef!: string;
  @Column('timestamptz', { name: 'paid_at' }) paidAt!: Date;
}

/** What a payment took from one fund for one benefit category. */
@Entity('payment_allocations')
export class PaymentAllocationEntity {
  @PrimaryColumn('uuid', { name: 'claim_id' }) claimId!: string;
  @PrimaryColumn('uuid', { name: 'fund_id' }) fundId!: string;
  @PrimaryColumn('text') category!: string;
  @Column('bigint', { transformer: bigintToNumber }) amount!: number;
}
