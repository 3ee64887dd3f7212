import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DecisionRecord, PaymentRecord } from '@claimtrail/ledger';
import { bigintToNumber } from './bigint.transformer';

/** A ledger record waiting to be (or already) written to the ledger. */
@Entity('ledger_outbox')
export class LedgerOutboxEntity {
  @PrimaryColumn('bigint', { generated: 'increment', transformer: bigintToNumber }) id!: number;
  @Column('text') kind!: 'decision' | 'payment';
  @Column('uuid', { name: 'claim_id' }) claimId!: string;
  @Column('integer') revision!: number;
  @Column('uuid', { name: 'signer_org_id' }) signerOrgId!: string;
  @Column('jsonb') record!: DecisionRecord | PaymentRecord;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('integer') attempts!: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'committed_at', nullable: true }) committedAt!: Date | null;
  @Column('text', { nullable: true }) outcome!: string | null;
  @Column('text', { name: 'tx_id', nullable: true }) txId!: string | null;
  @Column('bigint', { name: 'block_number', nullable: true, transformer: bigintToNumber }) blockNumber!:
    number | null;
}
