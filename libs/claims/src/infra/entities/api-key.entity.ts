import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An API key: a public prefix to find it and the SHA-256 of its secret; the secret itself is never stored. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('text') prefix!: string;
  @Column('text', { name: 'secret_hash' }) secretHash!: string;
  @Column('text') label!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
