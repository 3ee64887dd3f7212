import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DecisionInputs, DecisionStatus, LineDecision } from '../../domain';
import { encryptedJson, encryptedText } from '../crypto/encrypted-column.transformer';
import { bigintToNumber } from './bigint.transformer';

/** A decision on one revision of a claim. */
@Entity('claim_decisions')
export class ClaimDecisionEntity {
  @PrimaryColumn('uuid', { name: 'claim_id' }) claimId!: string;
  @PrimaryColumn('integer') revision!: number;
  @Column('text') status!: DecisionStatus;
  @Column('char', { length: 3 }) currency!: string;
  @Column('bigint', { name: 'total_claimed', transformer: bigintToNumber }) totalClaimed!: number;
  @Column('bigint', { name: 'total_eligible', transformer: bigintToNumber }) totalEligible!: number;
  @Column('bigint', { name: 'total_co_payment', transformer: bigintToNumber }) totalCoPayment!: number;
  @Column('bigint', { name: 'total_deductible', transformer: bigintToNumber }) totalDeductible!: number;
  @Column('bigint', { name: 'total_approved', transformer: bigintToNumber }) totalApproved!: number;
  @Column('text', { name: 'reason_codes', array: true }) reasonCodes!: string[];
  /**
   * Everything adjudication was given besides the rule set, so the decision can be replayed.
   * Encrypted: it holds the member's birth date, the diagnoses and the reviewer's note. Deflated
   * before encryption: it carries the member's approved history, which grows through the year.
   */
  @Column('text', {
    nullable: true,
    select: false,
    transformer: encryptedJson<DecisionInputs>('claim_decisions.inputs', { deflate: true }),
  })
  inputs!: DecisionInputs | null;
  /** The reviewer's free text, which may describe the patient's condition. */
  @Column('text', { nullable: true, transformer: encryptedText('claim_decisions.note') }) note!:
    string | null;
  @Column('jsonb') lines!: LineDecision[];
  @Column('char', { name: 'rule_set_hash', length: 64 }) ruleSetHash!: string;
  @Column('timestamptz', { name: 'decided_at' }) decidedAt!: Date;
  @Column('text', { name: 'decided_by' }) decidedBy!: string;
}

/** One state transition of a claim. */
@Entity('claim_events')
export class ClaimEventEntity {
  @PrimaryColumn('bigint', { generated: 'increment' }) id!: string;
  @Column('uuid', { name: 'claim_id' }) claimId!: string;
  @Column('integer') revision!: number;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus!: string | null;
  @Column('text', { name: 'to_status' }) toStatus!: string;
  @Column('text') actor!: string;
  @Column('jsonb', { nullable: true }) detail!: Record<string, unknown> | null;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
}
