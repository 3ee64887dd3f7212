import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/** What one member has used in one benefit year; updated under the member's row lock. */
@Entity('member_accumulators')
export class MemberAccumulatorsEntity {
  @PrimaryColumn('uuid', { name: 'member_id' }) memberId!: string;
  @PrimaryColumn('integer', { name: 'benefit_year' }) benefitYear!: number;
  @Column('bigint', { name: 'annual_approved', transformer: bigintToNumber }) annualApproved!: number;
  @Column('bigint', { name: 'deductible_met', transformer: bigintToNumber }) deductibleMet!: number;
  @Column('jsonb', { name: 'category_approved' }) categoryApproved!: Record<string, number>;
}
