import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A member enrolled in a plan. Name and birth date are PHI: they never leave PostgreSQL. */
@Entity('members')
export class MemberEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'payer_id' }) payerId!: string;
  @Column('uuid', { name: 'plan_id' }) planId!: string;
  @Column('text', { name: 'member_number' }) memberNumber!: string;
  @Column('char', { name: 'member_ref', length: 64 }) memberRef!: string;
  @Column('text', { name: 'full_name' }) fullName!: string;
  @Column('date', { name: 'birth_date' }) birthDate!: string;
  @Column('char', { length: 1 }) sex!: 'F' | 'M' | 'X';
  @Column('text') status!: 'active' | 'suspended' | 'terminated';
  @Column('date', { name: 'coverage_start' }) coverageStart!: string;
  @Column('date', { name: 'coverage_end' }) coverageEnd!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
