import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CareType, ClaimLine, ClaimStatus } from '../../domain';
import { bigintToNumber } from './bigint.transformer';

/** A submitted claim and its current state. */
@Entity('claims')
export class ClaimEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'provider_id' }) providerId!: string;
  @Column('uuid', { name: 'payer_id' }) payerId!: string;
  @Column('uuid', { name: 'member_id' }) memberId!: string;
  @Column('uuid', { name: 'plan_version_id' }) planVersionId!: string;
  @Column('text', { name: 'external_ref' }) externalRef!: string;
  @Column('char', { name: 'request_hash', length: 64 }) requestHash!: string;
  @Column('text') status!: ClaimStatus;
  @Column('integer') revision!: number;
  @Column('char', { length: 3 }) currency!: string;
  @Column('date', { name: 'service_date' }) serviceDate!: string;
  @Column('text', { array: true }) diagnoses!: string[];
  @Column('text', { name: 'care_type' }) careType!: CareType;
  @Column('uuid', { name: 'previous_claim_id', nullable: true }) previousClaimId!: string | null;
  @Column('text', { name: 'ledger_head_at_submission' }) ledgerHeadAtSubmission!: string;
  @Column('bigint', { name: 'total_claimed', transformer: bigintToNumber }) totalClaimed!: number;
  @Column('char', { name: 'commitment_salt', length: 64, select: false }) commitmentSalt!: string;
  @Column('char', { name: 'claim_commitment', length: 64 }) claimCommitment!: string;
  /** The claim's lines as submitted, numbered from 1. */
  @Column('jsonb') lines!: Required<ClaimLine>[];
  /**
   * What the current decision approved: `[serviceCode, approvedQuantity]` for each line with units
   * approved, in line order (null until decided). Read only as the member's approved history.
   */
  @Column('jsonb', { name: 'approved_lines', nullable: true, select: false })
  approvedLines!: [string, number][] | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
