import type {
  ClaimRecords,
  LedgerPort,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/ledger';
import { PAYABLE_ON_LEDGER } from '@claimtrail/claims';

/** A claim charged to the fund whose ledger records do not hold together, and why. */
export interface LedgerClaimFailure {
  claimId: string;
  reasons: string[];
}

const sumByCategory = (items: readonly { category: string; amount: number }[]) => {
  const sums = new Map<string, number>();
  for (const i of items) sums.set(i.category, (sums.get(i.category) ?? 0) + i.amount);
  return sums;
};

/**
 * Whether one claim's ledger records agree with each other: the fund's allocation record with
 * the payment record (revision, and per category exactly what the payment allocated to this
 * fund), and the payment with the decision of the revision it paid (payable, approving at least
 * the amount paid, in total and in every category). Pure: the records are passed in.
 */
export function checkClaimRecords(
  allocation: StoredAllocationRecord,
  payment: StoredPaymentRecord | null,
  history: readonly StoredDecisionRecord[],
): string[] {
  if (!payment) return ['the ledger holds an allocation to the fund but no payment of the claim'];
  const reasons: string[] = [];
  if (allocation.revision !== payment.revision)
    reasons.push(
      `allocation names revision ${allocation.revision}, the payment revision ${payment.revision}`,
    );
  const paidToFund = sumByCategory(payment.allocations.filter((a) => a.fundId === allocation.fundId));
  const recorded = sumByCategory(allocation.categories);
  for (const category of [...new Set([...paidToFund.keys(), ...recorded.keys()])].sort()) {
    const paid = paidToFund.get(category) ?? 0;
    const held = recorded.get(category) ?? 0;
    if (paid !== held)
      reasons.push(
        `allocation record holds ${held} in ${category}, the payment allocated ${paid} to the fund`,
      );
  }
  const allocationTotal = allocation.categories.reduce((s, c) => s + c.amount, 0);
  if (allocation.amount !== allocationTotal)
    reasons.push(
      `allocation amount ${allocation.amount} is not the sum of its categories ${allocationTotal}`,
    );
  const decision = history.find((d) => d.revision === payment.revision);
  if (!decision)
    return [...reasons, `the ledger holds no decision revision ${payment.revision}, which was paid`];
  if (!PAYABLE_ON_LEDGER.includes(decision.status))
    reasons.push(`the paid decision revision ${decision.revision} is ${decision.status}`);
  if (decision.totals.approved < payment.amount)
    reasons.push(`paid ${payment.amount}, the decision approved ${decision.totals.approved}`);
  const approved = sumByCategory(decision.lines.map((l) => ({ category: l.category, amount: l.approved })));
  for (const [category, allocated] of sumByCategory(payment.allocations))
    if (allocated > (approved.get(category) ?? 0))
      reasons.push(
        `allocated ${allocated} in ${category}, the decision approved ${approved.get(category) ?? 0}`,
      );
  return reasons;
}

/** Claims read from the ledger per query. */
const PAGE = 1_000;

/**
 * Checks every claim charged to the fund from the ledger's own records, a page of claims per
 * read; a page the ledger cannot read is read claim by claim, to name the claims it concerns.
 */
export async function checkFundClaims(
  ledger: LedgerPort,
  allocations: readonly StoredAllocationRecord[],
): Promise<LedgerClaimFailure[]> {
  const failures: LedgerClaimFailure[] = [];
  for (let i = 0; i < allocations.length; i += PAGE) {
    const page = allocations.slice(i, i + PAGE);
    const records = await readRecords(
      ledger,
      page.map((a) => a.claimId),
    );
    for (const allocation of page) {
      const read = records.get(allocation.claimId);
      const reasons =
        read instanceof Error
          ? [`its ledger records cannot be read: ${read.message}`]
          : checkClaimRecords(allocation, read?.payment ?? null, read?.decisions ?? []);
      if (reasons.length > 0) failures.push({ claimId: allocation.claimId, reasons });
    }
  }
  return failures.sort((a, b) => a.claimId.localeCompare(b.claimId));
}

async function readRecords(
  ledger: LedgerPort,
  claimIds: string[],
): Promise<Map<string, ClaimRecords | Error>> {
  const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  try {
    return new Map((await ledger.claimRecords(claimIds)).map((r) => [r.claimId, r]));
  } catch {
    const byClaim = new Map<string, ClaimRecords | Error>();
    for (const id of claimIds) {
      const [r] = await ledger.claimRecords([id]).catch((err: unknown) => [asError(err)]);
      if (r) byClaim.set(id, r);
    }
    return byClaim;
  }
}
