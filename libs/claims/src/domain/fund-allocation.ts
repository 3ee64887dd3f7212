/** A fund as the allocation rule sees it. */
export interface FundForAllocation {
  id: string;
  currency: string;
  remaining: number;
  periodStart: string;
  periodEnd: string;
  /** ISO instant; breaks ties between funds ending on the same day. */
  createdAt: string;
  earmarks: { payerIds?: string[]; planIds?: string[]; providerIds?: string[]; categories?: string[] };
}

/** The facts of a paid claim that earmarks are checked against. */
export interface PaymentFacts {
  payerId: string;
  planId: string;
  providerId: string;
  currency: string;
  serviceDate: string;
  /** Approved amount per benefit category. */
  categories: { category: string; amount: number }[];
}

/** What one fund pays for one category of one claim. */
export interface Allocation {
  fundId: string;
  category: string;
  amount: number;
}

const allows = (list: string[] | undefined, value: string) => !list || list.includes(value);

/** Whether a fund may pay for this category of this claim. */
export function fundCovers(fund: FundForAllocation, facts: PaymentFacts, category: string): boolean {
  return (
    fund.currency === facts.currency &&
    fund.periodStart <= facts.serviceDate &&
    facts.serviceDate <= fund.periodEnd &&
    allows(fund.earmarks.payerIds, facts.payerId) &&
    allows(fund.earmarks.planIds, facts.planId) &&
    allows(fund.earmarks.providerIds, facts.providerId) &&
    allows(fund.earmarks.categories, category)
  );
}

/**
 * The allocation rule: categories in alphabetical order; for each, the eligible funds whose
 * period ends soonest go first (money that expires first is spent first), then the oldest fund,
 * then the lowest id; each fund gives what it has left, up to what the category still needs.
 * What no fund covers is paid by the payer. Deterministic: the same facts and funds give the
 * same allocations, so anyone can recompute them.
 */
export function allocatePayment(facts: PaymentFacts, funds: readonly FundForAllocation[]): Allocation[] {
  const ordered = [...funds].sort(
    (a, b) =>
      a.periodEnd.localeCompare(b.periodEnd) ||
      a.createdAt.localeCompare(b.createdAt) ||
      a.id.localeCompare(b.id),
  );
  const left = new Map(ordered.map((f) => [f.id, f.remaining]));
  const allocations: Allocation[] = [];
  const categories = [...facts.categories].sort((a, b) => a.category.localeCompare(b.category));
  for (const { category, amount } of categories) {
    let need = amount;
    for (const fund of ordered) {
      if (need <= 0) break;
      const available = left.get(fund.id) ?? 0;
      if (available <= 0 || !fundCovers(fund, facts, category)) continue;
      const take = Math.min(need, available);
      allocations.push({ fundId: fund.id, category, amount: take });
      left.set(fund.id, available - take);
      need -= take;
    }
  }
  return allocations;
}
