import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { encryptedText } from '../crypto/encrypted-column.transformer';

/** A member enrolled in a plan. Name, birth date and phone are PHI: encrypted, and never leave PostgreSQL. */
@Entity('members')
export class MemberEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'payer_id' }) payerId!: string;
  @Column('uuid', { name: 'plan_id' }) planId!: string;
  @Column('text', { name: 'member_number' }) memberNumber!: string;
  @Column('char', { name: 'member_ref', length: 64 }) memberRef!: string;
  @Column('text', { name: 'full_name', transformer: encryptedText('members.full_name') }) fullName!: string;
  /** YYYY-MM-DD; stored as ciphertext, so PostgreSQL no longer checks it is a date. */
  @Column('text', { name: 'birth_date', transformer: encryptedText('members.birth_date') })
  birthDate!: string;
  @Column('text', { nullable: true, transformer: encryptedText('members.phone') }) phone!: string | null;
  @Column('char', { length: 1 }) sex!: 'F' | 'M' | 'X';
  @Column('text') status!: 'active' | 'suspended' | 'terminated';
  @Column('date', { name: 'coverage_start' }) coverageStart!: string;
  @Column('date', { name: 'coverage_end' }) coverageEnd!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
