import type { Context } from 'fabric-contract-api';
import type { KeyContext } from './claim-keys';

/** Composite-key object type of funds. */
export const FUND_OBJECT_TYPE = 'fund';
/** Composite-key object type of fund top-ups ([fundId, topUpId]). */
export const TOP_UP_OBJECT_TYPE = 'topup';
/** Composite-key object type of claim payments ([claimId]). */
export const PAYMENT_OBJECT_TYPE = 'payment';
/** Composite-key object type of fund allocations ([fundId, claimId]), DESIGN's `alloc~fund~claim`. */
export const ALLOCATION_OBJECT_TYPE = 'alloc';

/** World-state key of a fund. */
export const fundKey = (ctx: Context, fundId: string) =>
  ctx.stub.createCompositeKey(FUND_OBJECT_TYPE, [fundId]);
/** World-state key of a top-up. */
export const topUpKey = (ctx: Context, fundId: string, topUpId: string) =>
  ctx.stub.createCompositeKey(TOP_UP_OBJECT_TYPE, [fundId, topUpId]);
/** World-state key of a claim's payment. */
export const paymentKey = (ctx: KeyContext, claimId: string) =>
  ctx.stub.createCompositeKey(PAYMENT_OBJECT_TYPE, [claimId]);
/** World-state key of what one claim's payment charged to one fund. */
export const allocationKey = (ctx: Context, fundId: string, claimId: string) =>
  ctx.stub.createCompositeKey(ALLOCATION_OBJECT_TYPE, [fundId, claimId]);

/** Reads and parses a JSON value, or undefined when the key is empty. */
export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
