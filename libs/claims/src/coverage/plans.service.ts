import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { contractedProviderIds, publishRuleSet } from '../domain';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { type Transaction, Transactions } from '../platform/transactions';
import { type Plan, type PlanVersion, PlansRepository } from './plans.repository';

/** A plan with its published versions, newest last. */
export interface PlanView {
  plan: Plan;
  versions: PlanVersion[];
}

/** Publishes benefit plans as immutable, hashed rule-set versions. */
@Injectable()
export class PlansService {
  constructor(
    private readonly transactions: Transactions,
    private readonly plans: PlansRepository,
  ) {}

  /** Creates a plan owned by `payerId` and publishes its first version. */
  async create(payerId: string, name: string, ruleSet: unknown): Promise<PlanView> {
    const published = publishRuleSet(ruleSet);
    return this.transactions.run(async (tx) => {
      await this.assertProvidersExist(tx, contractedProviderIds(published.ruleSet));
      const plan = await this.plans.insertPlan(tx, { id: randomUUID(), payerId, name });
      const version = await this.insertVersion(tx, plan.id, 1, published);
      return { plan, versions: [version] };
    });
  }

  /** Publishes the next version of a plan; earlier versions and their decisions are untouched. */
  async publishVersion(payerId: string, planId: string, ruleSet: unknown): Promise<PlanVersion> {
    return this.transactions.run(async (tx) => {
      const plan = await this.plans.lockPlan(tx, payerId, planId);
      // Ownership first: another payer's plan is "not found", whatever the body holds.
      if (!plan) throw new NotFoundError('plan');
      const published = publishRuleSet(ruleSet);
      await this.assertProvidersExist(tx, contractedProviderIds(published.ruleSet));
      const latest = await this.plans.latestVersionNumber(tx, planId);
      return this.insertVersion(tx, planId, latest + 1, published);
    });
  }

  /** A payer's plan with every version. */
  async get(payerId: string, planId: string): Promise<PlanView> {
    const plan = await this.plans.findPlan(payerId, planId);
    if (!plan) throw new NotFoundError('plan');
    return { plan, versions: await this.plans.versions(planId) };
  }

  private insertVersion(
    tx: Transaction,
    planId: string,
    version: number,
    published: ReturnType<typeof publishRuleSet>,
  ): Promise<PlanVersion> {
    return this.plans.insertVersion(tx, {
      id: randomUUID(),
      planId,
      version,
      ruleSet: published.ruleSet,
      ruleSetHash: published.ruleSetHash,
      coverageStart: published.ruleSet.coverage.start,
      coverageEnd: published.ruleSet.coverage.end,
    });
  }

  private async assertProvidersExist(tx: Transaction, ids: string[]): Promise<void> {
    const known = await this.plans.providerIds(tx, ids);
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
