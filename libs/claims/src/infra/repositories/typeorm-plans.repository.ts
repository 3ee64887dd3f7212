import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import {
  type NewPlanVersion,
  type Plan,
  type PlanVersion,
  PlansRepository,
} from '../../coverage/plans.repository';
import type { Transaction } from '../../platform/transactions';
import { OrganizationEntity, PlanEntity, PlanVersionEntity } from '../entities';
import { managerOf } from './typeorm-transactions';

/** Plans and their versions in PostgreSQL (`plans`, `plan_versions`). */
@Injectable()
export class TypeOrmPlansRepository extends PlansRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async insertPlan(tx: Transaction, plan: Omit<Plan, 'createdAt'>): Promise<Plan> {
    const em = managerOf(this.db, tx);
    await em.insert(PlanEntity, plan);
    return em.findOneByOrFail(PlanEntity, { id: plan.id });
  }

  async lockPlan(tx: Transaction, payerId: string, planId: string): Promise<Plan | null> {
    return managerOf(this.db, tx)
      .createQueryBuilder(PlanEntity, 'p')
      .setLock('pessimistic_write')
      .where('p.id = :planId AND p.payer_id = :payerId', { planId, payerId })
      .getOne();
  }

  async latestVersionNumber(tx: Transaction, planId: string): Promise<number> {
    const { max } = (await managerOf(this.db, tx)
      .createQueryBuilder(PlanVersionEntity, 'v')
      .select('COALESCE(MAX(v.version), 0)', 'max')
      .where('v.plan_id = :planId', { planId })
      .getRawOne<{ max: number }>())!;
    return Number(max);
  }

  async insertVersion(tx: Transaction, version: NewPlanVersion): Promise<PlanVersion> {
    const em = managerOf(this.db, tx);
    await em.insert(PlanVersionEntity, version);
    return em.findOneByOrFail(PlanVersionEntity, { id: version.id });
  }

  async providerIds(tx: Transaction, ids: readonly string[]): Promise<Set<string>> {
    const found = await managerOf(this.db, tx).find(OrganizationEntity, {
      where: { id: In([...ids]), kind: 'provider' },
      select: { id: true },
    });
    return new Set(found.map((o) => o.id));
  }

  findPlan(payerId: string, planId: string): Promise<Plan | null> {
    return this.db.getRepository(PlanEntity).findOneBy({ id: planId, payerId });
  }

  versions(planId: string): Promise<PlanVersion[]> {
    return this.db.getRepository(PlanVersionEntity).find({ where: { planId }, order: { version: 'ASC' } });
  }
}
