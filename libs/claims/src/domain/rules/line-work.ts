import type { ClaimLine } from '../claim';
import type { ReasonCode } from '../reason-codes';
import type { TariffEntry } from '../rule-set';

/** One line while the rules run over it; the stages fill it in, in order. */
export interface LineWork {
  line: ClaimLine;
  /** The tariff entry, found as an own property only. */
  tariff: TariffEntry | undefined;
  category: string;
  claimed: number;
  reasons: ReasonCode[];
  /** An eligibility rule, or a quantity limit with nothing left, rejects the whole line. */
  rejected: boolean;
  /** Awaiting pre-authorisation: the line is pended, its amounts kept. */
  pended: boolean;
  /** Units allowed after the quantity rules. */
  quantity: number;
  /** Allowed quantity × allowed unit price, after the per-visit limit. */
  base: number;
  deductible: number;
  coPayment: number;
  approved: number;
}

/** Rejects the line for `reasons` (amounts stay zero). */
export function rejectLine(w: LineWork, ...reasons: ReasonCode[]): void {
  w.rejected = true;
  w.quantity = 0;
  w.reasons.push(...reasons);
}

/** The lines still in play (not rejected), in processing order. */
export const liveLines = (work: readonly LineWork[]): LineWork[] => work.filter((w) => !w.rejected);
