import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrganizationKind } from '../../access/organizations.repository';
import { encryptedText } from '../crypto/encrypted-column.transformer';

/** Organization kinds (defined with the access slice's organizations). */
export type { OrganizationKind };

/** A payer, provider, funder or the platform operator, with its ledger signing identity. */
@Entity('organizations')
export class OrganizationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') kind!: OrganizationKind;
  @Column('text') name!: string;
  @Column('text', { name: 'msp_id' }) mspId!: string;
  @Column('text', { name: 'signing_public_key' }) signingPublicKey!: string;
  /** PKCS#8 PEM; encrypted because whoever reads it can sign ledger records as this organization. */
  @Column('text', {
    name: 'signing_private_key',
    select: false,
    transformer: encryptedText('organizations.signing_private_key'),
  })
  signingPrivateKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
