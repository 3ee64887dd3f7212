import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { FundEarmarks } from '@claimtrail/ledger';
import { bigintToNumber } from './bigint.transformer';

/**
 * A funder's earmarked fund; `allocated` changes only under the fund's row lock, and shrinks only
 * when the ledger refuses a payment that took from it.
 */
@Entity('funds')
export class FundEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'funder_id' }) funderId!: string;
  @Column('text') name!: string;
  @Column('char', { length: 3 }) currency!: string;
  /** The cap on the fund's deposits. */
  @Column('bigint', { transformer: bigintToNumber }) budget!: number;
  /** Deposits so far: the opening deposit plus every top-up. */
  @Column('bigint', { transformer: bigintToNumber }) total!: number;
  @Column('bigint', { transformer: bigintToNumber }) allocated!: number;
  @Column('date', { name: 'period_start' }) periodStart!: string;
  @Column('date', { name: 'period_end' }) periodEnd!: string;
  @Column('jsonb') earmarks!: FundEarmarks;
  @Column('text', { name: 'ledger_tx_id' }) ledgerTxId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** One top-up of a fund. */
@Entity('fund_top_ups')
export class FundTopUpEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'fund_id' }) fundId!: string;
  @Column('bigint', { transformer: bigintToNumber }) amount!: number;
  @Column('text', { name: 'ledger_tx_id' }) ledgerTxId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
