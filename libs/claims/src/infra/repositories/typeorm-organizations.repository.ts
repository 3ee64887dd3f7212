import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type NewOrganization,
  type Organization,
  type OrganizationPublicKey,
  type OrganizationWithSigningKey,
  OrganizationsRepository,
} from '../../access/organizations.repository';
import type { Transaction } from '../../platform/transactions';
import { OrganizationEntity } from '../entities';
import { managerOf } from './typeorm-transactions';

/** Organizations in PostgreSQL (`organizations`; the private signing key encrypted, read only on demand). */
@Injectable()
export class TypeOrmOrganizationsRepository extends OrganizationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async insert(tx: Transaction, organization: NewOrganization): Promise<void> {
    const em = managerOf(this.db, tx);
    await em.insert(OrganizationEntity, em.create(OrganizationEntity, organization));
  }

  find(id: string): Promise<Organization | null> {
    return this.db.getRepository(OrganizationEntity).findOneBy({ id });
  }

  findWithSigningKey(id: string): Promise<OrganizationWithSigningKey | null> {
    return this.db
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .addSelect('o.signingPrivateKey')
      .where('o.id = :id', { id })
      .getOne();
  }

  publicKeys(): Promise<OrganizationPublicKey[]> {
    return this.db
      .getRepository(OrganizationEntity)
      .find({ select: { id: true, kind: true, signingPublicKey: true }, order: { id: 'ASC' } });
  }

  async firstOperatorId(): Promise<string | null> {
    const [operator] = (await this.db.query(
      `SELECT id FROM organizations WHERE kind = 'operator' ORDER BY created_at, id LIMIT 1`,
    )) as { id: string }[];
    return operator?.id ?? null;
  }

  async lock(tx: Transaction, id: string): Promise<void> {
    await managerOf(this.db, tx).query(`SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE`, [id]);
  }
}
