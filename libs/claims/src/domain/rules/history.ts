import type { ClaimForAdjudication, PriorApprovedLine } from '../claim';
import { periodStart } from '../dates';
import type { Period } from '../rule-set';

/** The member's approved history without the claim itself (a re-decision must not count itself). */
export function priorLines(
  claim: ClaimForAdjudication,
  history: readonly PriorApprovedLine[],
): PriorApprovedLine[] {
  return history.filter((h) => h.claimId !== claim.id);
}

/** History lines whose service date falls in the period that ends on `serviceDate`. */
export function inPeriod(
  lines: readonly PriorApprovedLine[],
  period: Period,
  serviceDate: string,
): PriorApprovedLine[] {
  const start = periodStart(period, serviceDate);
  return lines.filter((h) => h.serviceDate >= start && h.serviceDate <= serviceDate);
}

/** Total approved units of the given lines. */
export const unitsOf = (lines: readonly PriorApprovedLine[]): number =>
  lines.reduce((n, h) => n + h.quantity, 0);

/** Number of distinct claims among the given lines. */
export const claimsOf = (lines: readonly PriorApprovedLine[]): number =>
  new Set(lines.map((h) => h.claimId)).size;
