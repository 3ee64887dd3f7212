import type { Decision } from './decision';
import { sum } from './money';

/** What a decision adds to the member's benefit-year accumulators, in minor units. */
export interface AccumulatorUsage {
  annual: number;
  /** Approved amount per benefit category; categories with nothing approved are left out. */
  categories: Record<string, number>;
  deductible: number;
}

/**
 * What a final decision adds to the member's accumulators: the approved amount in total and per
 * category, and the deductible the member bore. A pended decision is not final and adds nothing.
 */
export function affectedAccumulators(decision: Decision): AccumulatorUsage {
  if (decision.status === 'pended') return { annual: 0, categories: {}, deductible: 0 };
  const categories: Record<string, number> = {};
  // Sorted keys, so the stored JSON does not depend on line order.
  const names = [...new Set(decision.lines.filter((l) => l.approved > 0).map((l) => l.category))].sort();
  for (const name of names) {
    categories[name] = sum(decision.lines.filter((l) => l.category === name).map((l) => l.approved));
  }
  return {
    annual: sum(decision.lines.map((l) => l.approved)),
    categories,
    deductible: sum(decision.lines.map((l) => l.deductible)),
  };
}
