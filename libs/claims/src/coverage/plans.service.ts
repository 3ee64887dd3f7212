import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { contractedProviderIds, publishRuleSet } from '../domain';
import { OrganizationEntity, PlanEntity, PlanVersionEntity } from '../infra/entities';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';

/** A plan with its published versions, newest last. */
export interface PlanView {
  plan: PlanEntity;
  versions: PlanVersionEntity[];
}

/** Publishes benefit plans as immutable, hashed rule-set versions. */
@Injectable()
export class PlansService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates a plan owned by `payerId` and publishes its first version. */
  async create(payerId: string, name: string, ruleSet: unknown): Promise<PlanView> {
    const published = publishRuleSet(ruleSet);
    return this.db.transaction(async (em) => {
      await this.assertProvidersExist(em, contractedProviderIds(published.ruleSet));
      const plan = em.create(PlanEntity, { id: randomUUID(), payerId, name });
      await em.insert(PlanEntity, plan);
      const version = await this.insertVersion(em, plan.id, 1, published);
      return { plan: await em.findOneByOrFail(PlanEntity, { id: plan.id }), versions: [version] };
    });
  }

  /** Publishes the next version of a plan; earlier versions and their decisions are untouched. */
  async publishVersion(payerId: string, planId: string, ruleSet: unknown): Promise<PlanVersionEntity> {
    return this.db.transaction(async (em) => {
      const plan = await em
        .createQueryBuilder(PlanEntity, 'p')
        .setLock('pessimistic_write')
        .where('p.id = :planId AND p.payer_id = :payerId', { planId, payerId })
        .getOne();
      // Ownership first: another payer's plan is "not found", whatever the body holds.
      if (!plan) throw new NotFoundError('plan');
      const published = publishRuleSet(ruleSet);
      await this.assertProvidersExist(em, contractedProviderIds(published.ruleSet));
      const { max } = (await em
        .createQueryBuilder(PlanVersionEntity, 'v')
        .select('COALESCE(MAX(v.version), 0)', 'max')
        .where('v.plan_id = :planId', { planId })
        .getRawOne<{ max: number }>())!;
      return this.insertVersion(em, planId, Number(max) + 1, published);
    });
  }

  /** A payer's plan with every version. */
  async get(payerId: string, planId: string): Promise<PlanView> {
    const plan = await this.db.getRepository(PlanEntity).findOneBy({ id: planId, payerId });
    if (!plan) throw new NotFoundError('plan');
    const versions = await this.db
      .getRepository(PlanVersionEntity)
      .find({ where: { planId }, order: { version: 'ASC' } });
    return { plan, versions };
  }

  private async insertVersion(
    em: EntityManager,
    planId: string,
    version: number,
    published: ReturnType<typeof publishRuleSet>,
  ): Promise<PlanVersionEntity> {
    const id = randomUUID();
    await em.insert(PlanVersionEntity, {
      id,
      planId,
      version,
      ruleSet: published.ruleSet,
      ruleSetHash: published.ruleSetHash,
      coverageStart: published.ruleSet.coverage.start,
      coverageEnd: published.ruleSet.coverage.end,
    });
    return em.findOneByOrFail(PlanVersionEntity, { id });
  }

  private async assertProvidersExist(em: EntityManager, ids: string[]): Promise<void> {
    const found = await em.find(OrganizationEntity, {
      where: { id: In(ids), kind: 'provider' },
      select: { id: true },
    });
    const known = new Set(found.map((o) => o.id));
    const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
    if (missing.length > 0) {
      throw new AppError(
        AppErrorCode.UnknownProvider,
        `contracted providers are not provider organizations: ${missing.map((m) => m.id).join(', ')}`,
        missing.map((m) => ({
          field: `ruleSet.contractedProviders.${m.i}`,
          rule: 'must be a provider organization',
        })),
      );
    }
  }
}
