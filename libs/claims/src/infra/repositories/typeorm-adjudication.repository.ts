import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdjudicationRepository, type DecisionWithInputs } from '../../adjudication/adjudication.repository';
import { storedDecision } from '../../adjudication/decision-store';
import { ClaimStatus, type RuleSet } from '../../domain';
import { ClaimDecisionEntity, ClaimEntity, PlanVersionEntity } from '../entities';

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

  async decisionWithInputs(claimId: string, revision?: number): Promise<DecisionWithInputs | null> {
    const qb = this.db
      .getRepository(ClaimDecisionEntity)
      .createQueryBuilder('d')
      .addSelect('d.inputs')
      .where('d.claim_id = :claimId', { claimId })
      .orderBy('d.revision', 'DESC');
    if (revision !== undefined) qb.andWhere('d.revision = :revision', { revision });
    const stored = await qb.getOne();
    if (!stored) return null;
    return {
      revision: stored.revision,
      ruleSetHash: stored.ruleSetHash,
      decision: storedDecision(stored),
      inputs: stored.inputs ?? null,
    };
  }

  async ruleSetByHash(ruleSetHash: string): Promise<RuleSet | null> {
    const version = await this.db.getRepository(PlanVersionEntity).findOneBy({ ruleSetHash });
    return version?.ruleSet ?? null;
  }
}

/** Adjudication's repository on a data source the caller already holds (the CLI, the suites). */
export const adjudicationRepositoryOn = (db: DataSource): AdjudicationRepository =>
  new TypeOrmAdjudicationRepository(db);
