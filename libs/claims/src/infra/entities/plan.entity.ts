import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { RuleSet } from '../../domain';

/** A benefit package owned by a payer. */
@Entity('plans')
export class PlanEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'payer_id' }) payerId!: string;
  @Column('text') name!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** An immutable published version of a plan's rule set. */
@Entity('plan_versions')
export class PlanVersionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'plan_id' }) planId!: string;
  @Column('integer') version!: number;
  @Column('jsonb', { name: 'rule_set' }) ruleSet!: RuleSet;
  @Column('char', { name: 'rule_set_hash', length: 64 }) ruleSetHash!: string;
  @Column('date', { name: 'coverage_start' }) coverageStart!: string;
  @Column('date', { name: 'coverage_end' }) coverageEnd!: string;
  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' }) publishedAt!: Date;
}
