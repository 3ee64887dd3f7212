import type { MemberAccumulators } from '../claim';
import { lineAmount } from '../money';
import { ReasonCode } from '../reason-codes';
import type { RuleSet } from '../rule-set';
import { liveLines, type LineWork } from './line-work';

/**
 * The money rules, in the documented order, over the lines still in play in lineNo order:
 * tariff price, per-visit limit, deductible, co-payment, then category and annual limits.
 * Every budget (limit, deductible, fixed co-payment, cap) is consumed line by line in that order.
 */
export function applyMoneyRules(work: readonly LineWork[], ruleSet: RuleSet, acc: MemberAccumulators): void {
  const lines = liveLines(work);
  for (const w of lines) {
    const price = Math.min(w.line.unitPrice, w.tariff!.unitPrice);
    if (w.line.unitPrice > w.tariff!.unitPrice) w.reasons.push(ReasonCode.PriceAboveTariff);
    w.base = lineAmount(price, w.quantity);
  }
  const perVisit = ruleSet.limits?.perVisit;
  if (perVisit !== undefined) {
    consume(lines, perVisit, 'base', ReasonCode.PerVisitLimit);
  }
  const deductible = ruleSet.deductible?.annual;
  if (deductible !== undefined) {
    let left = Math.max(0, deductible - acc.deductibleMet);
    for (const w of lines) {
      w.deductible = Math.min(w.base, left);
      left -= w.deductible;
      if (w.deductible > 0) w.reasons.push(ReasonCode.DeductibleApplied);
    }
  }
  applyCoPayment(lines, ruleSet.coPayment);
  for (const w of lines) w.approved = w.base - w.deductible - w.coPayment;
  for (const name of new Set(lines.map((w) => w.category))) {
    const limit = ownValue(ruleSet.limits?.categories, name);
    if (limit === undefined) continue;
    const left = Math.max(0, limit - (ownValue(acc.categoryApproved, name) ?? 0));
    const inCategory = lines.filter((w) => w.category === name);
    consume(inCategory, left, 'approved', ReasonCode.CategoryLimitReached);
  }
  const annual = ruleSet.limits?.annual;
  if (annual !== undefined) {
    const left = Math.max(0, annual - acc.annualApproved);
    consume(lines, left, 'approved', ReasonCode.AnnualLimitReached);
  }
}

/**
 * Co-payment on what the deductible leaves: the percentage per line (half up, in basis points
 * and BigInt so no float touches money), then the fixed amount per claim line by line, then the
 * cap per claim line by line.
 */
function applyCoPayment(lines: readonly LineWork[], rule: RuleSet['coPayment']): void {
  if (!rule) return;
  const basisPoints = BigInt(Math.round((rule.percent ?? 0) * 100));
  let fixedLeft = rule.fixed ?? 0;
  let capLeft = rule.cap ?? Number.MAX_SAFE_INTEGER;
  for (const w of lines) {
    const after = w.base - w.deductible;
    const percent = Number((BigInt(after) * basisPoints + 5000n) / 10000n);
    const fixed = Math.min(after - percent, fixedLeft);
    fixedLeft -= fixed;
    w.coPayment = Math.min(percent + fixed, capLeft);
    capLeft -= w.coPayment;
    if (w.coPayment > 0) w.reasons.push(ReasonCode.CoPaymentApplied);
  }
}

/** Caps the lines' `field` by a shared budget, first line first, marking each line it cuts. */
function consume(
  lines: readonly LineWork[],
  budget: number,
  field: 'base' | 'approved',
  reason: ReasonCode,
): void {
  let left = budget;
  for (const w of lines) {
    const kept = Math.min(w[field], left);
    left -= kept;
    if (kept < w[field]) {
      w[field] = kept;
      w.reasons.push(reason);
    }
  }
}

/** A record's own value only: a category such as "constructor" must not reach Object.prototype. */
function ownValue(record: Readonly<Record<string, number>> | undefined, key: string): number | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}
