import type { RuleSet } from '../domain';
import type { Transaction } from '../platform/transactions';

/** A benefit package owned by a payer. */
export interface Plan {
  id: string;
  payerId: string;
  name: string;
  createdAt: Date;
}

/** An immutable published version of a plan's rule set. */
export interface PlanVersion {
  id: string;
  planId: string;
  version: number;
  ruleSet: RuleSet;
  ruleSetHash: string;
  coverageStart: string;
  coverageEnd: string;
  publishedAt: Date;
}

/** A version as it is published: everything but what the store assigns. */
export type NewPlanVersion = Omit<PlanVersion, 'publishedAt'>;

/** Plans and their versions. */
export abstract class PlansRepository {
  abstract insertPlan(tx: Transaction, plan: Omit<Plan, 'createdAt'>): Promise<Plan>;
  /** The payer's plan, locked until the transaction ends (versions are numbered one at a time). */
  abstract lockPlan(tx: Transaction, payerId: string, planId: string): Promise<Plan | null>;
  /** The highest version number of a plan, 0 before its first. */
  abstract latestVersionNumber(tx: Transaction, planId: string): Promise<number>;
  abstract insertVersion(tx: Transaction, version: NewPlanVersion): Promise<PlanVersion>;
  /** Which of these ids are provider organizations. */
  abstract providerIds(tx: Transaction, ids: readonly string[]): Promise<Set<string>>;
  /** The payer's plan; another payer's is not found. */
  abstract findPlan(payerId: string, planId: string): Promise<Plan | null>;
  /** A plan's versions, oldest first. */
  abstract versions(planId: string): Promise<PlanVersion[]>;
}
