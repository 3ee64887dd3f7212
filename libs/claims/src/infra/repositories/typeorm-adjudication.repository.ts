import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdjudicationRepository } from '../../adjudication/adjudication.repository';
import { ClaimStatus } from '../../domain';
import { ClaimEntity } from '../entities';

/** Adjudication's reads and writes in PostgreSQL. */
@Injectable()
export class TypeOrmAdjudicationRepository extends AdjudicationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async stuckClaimIds(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .getRepository(ClaimEntity)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.status IN (:...statuses)', { statuses: [ClaimStatus.Received, ClaimStatus.Adjudicating] })
      .andWhere(`c.updated_at < now() - make_interval(secs => :secs)`, { secs: olderThanMs / 1000 })
      .orderBy('c.updated_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }
}
