import type { DecisionRecord } from '@claimtrail/ledger';
import { decisionDifferences, type DecisionFigures } from './reconciliation/compare-records';

/** Ledger decision statuses a payment may be made on. */
export const PAYABLE_ON_LEDGER: readonly string[] = ['approved', 'partially_approved'];

/** One field where PostgreSQL and the ledger disagree, phrased as the rule PostgreSQL breaks. */
export interface LedgerDifference {
  field: string;
  rule: string;
}

/**
 * Every field where PostgreSQL's decision differs from the ledger's record of the same revision
 * (the reconciler's own comparison), plus a ledger status that cannot be paid. Empty when money
 * may move on these figures. Pure.
 */
export function paymentDifferences(platform: DecisionFigures, ledger: DecisionRecord): LedgerDifference[] {
  const payable = PAYABLE_ON_LEDGER.includes(ledger.status);
  const differences: LedgerDifference[] = payable
    ? []
    : [{ field: 'decision.status', rule: `must be payable on the ledger, which records ${ledger.status}` }];
  for (const d of decisionDifferences('decision', platform, ledger))
    if (payable || d.field !== 'decision.status')
      differences.push({ field: d.field, rule: `must equal the ledger's ${String(d.ledger)}` });
  return differences;
}

/** What a decision record approves per benefit category, categories in the lines' order. */
export function approvedByCategory(lines: readonly { category: string; approved: number }[]) {
  const perCategory = new Map<string, number>();
  for (const line of lines)
    if (line.approved > 0)
      perCategory.set(line.category, (perCategory.get(line.category) ?? 0) + line.approved);
  return [...perCategory].map(([category, amount]) => ({ category, amount }));
}
