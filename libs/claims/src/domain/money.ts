import { DomainError, DomainErrorCode } from './domain.error';

/** Amounts are integer minor units (cents); floating point never touches money. */
export type MinorUnits = number;

/** True when `v` is a non-negative safe integer amount. */
export function isMinorUnits(v: unknown): v is MinorUnits {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** `unitPrice × quantity`, refusing results beyond the exactly representable range. */
export function lineAmount(unitPrice: MinorUnits, quantity: number): MinorUnits {
  const total = unitPrice * quantity;
  if (!Number.isSafeInteger(total)) {
    throw new DomainError(DomainErrorCode.MoneyOverflow, `amount ${unitPrice} × ${quantity} overflows`);
  }
  return total;
}

/** Sum of amounts, refusing overflow. */
export function sum(amounts: readonly MinorUnits[]): MinorUnits {
  let total = 0;
  for (const a of amounts) total += a;
  if (!Number.isSafeInteger(total)) throw new DomainError(DomainErrorCode.MoneyOverflow, 'sum overflows');
  return total;
}
