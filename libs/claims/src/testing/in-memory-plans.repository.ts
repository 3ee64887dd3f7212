import {
  type NewPlanVersion,
  type Plan,
  type PlanVersion,
  PlansRepository,
} from '../coverage/plans.repository';
import type { Transaction } from '../platform/transactions';

/** Plans in memory, for the use cases' specs. */
export class InMemoryPlansRepository extends PlansRepository {
  readonly plans = new Map<string, Plan>();
  readonly planVersions: PlanVersion[] = [];
  /** Provider organizations that exist. */
  readonly providers = new Set<string>();

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  insertPlan(_tx: Transaction, plan: Omit<Plan, 'createdAt'>): Promise<Plan> {
    const stored = { ...plan, createdAt: this.now() };
    this.plans.set(plan.id, stored);
    return Promise.resolve({ ...stored });
  }

  lockPlan(_tx: Transaction, payerId: string, planId: string): Promise<Plan | null> {
    return this.findPlan(payerId, planId);
  }

  latestVersionNumber(_tx: Transaction, planId: string): Promise<number> {
    return Promise.resolve(
      Math.max(0, ...this.planVersions.filter((v) => v.planId === planId).map((v) => v.version)),
    );
  }

  insertVersion(_tx: Transaction, version: NewPlanVersion): Promise<PlanVersion> {
    if (this.planVersions.some((v) => v.planId === version.planId && v.version === version.version)) {
      return Promise.reject(new Error(`plan ${version.planId} already has version ${version.version}`));
    }
    const stored = { ...version, publishedAt: this.now() };
    this.planVersions.push(stored);
    return Promise.resolve({ ...stored });
  }

  providerIds(_tx: Transaction, ids: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(ids.filter((id) => this.providers.has(id))));
  }

  findPlan(payerId: string, planId: string): Promise<Plan | null> {
    const plan = this.plans.get(planId);
    return Promise.resolve(plan && plan.payerId === payerId ? { ...plan } : null);
  }

  versions(planId: string): Promise<PlanVersion[]> {
    return Promise.resolve(
      this.planVersions.filter((v) => v.planId === planId).sort((a, b) => a.version - b.version),
    );
  }
}
