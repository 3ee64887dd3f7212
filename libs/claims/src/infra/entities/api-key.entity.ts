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
  /** What the key may do (see ApiKeyScope). */
  @Column('text', { array: true }) scopes!: string[];
  /** The organization and key that issued it; null when issued from the command line. */
  @Column('uuid', { name: 'issued_by_organization_id', nullable: true }) issuedByOrganizationId!:
    string | null;
  @Column('uuid', { name: 'issued_by_key_id', nullable: true }) issuedByKeyId!: string | null;
  /** The organization and key that revoked or rotated it; null while active or when done from the command line. */
  @Column('uuid', { name: 'revoked_by_organization_id', nullable: true }) revokedByOrganizationId!:
    string | null;
  @Column('uuid', { name: 'revoked_by_key_id', nullable: true }) revokedByKeyId!: string | null;
}
