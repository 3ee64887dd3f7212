import type { Context } from 'fabric-contract-api';
import { authorize } from './caller-identity';
import { canonicalBytes, canonicalJson } from './canonical-json';
import { ChaincodeError } from './chaincode.error';
import { ID } from './decision-record.factory';
import { FundRecordFactory } from './fund-record.factory';
import { requireFunderEndorsement } from './key-endorsement';
import { ALLOCATION_OBJECT_TYPE, fundKey, readJson, topUpKey } from './ledger-keys';
import type {
  FundOutcome,
  FundRecord,
  FundView,
  StoredAllocationRecord,
  StoredFundRecord,
  StoredFundTopUp,
} from './records';
import { txTimestampIso } from './tx-timestamp';

/** Event of a CreateFund that created a fund: `{fundId}`. */
export const FUND_CREATED_EVENT = 'FundCreated';
/** Event of a TopUpFund that recorded a top-up: `{fundId, topUpId, amount, total}`. */
export const FUND_TOPPED_UP_EVENT = 'FundToppedUp';

/** The submitted part of a stored fund, which idempotency compares. */
export function submittedFund(stored: StoredFundRecord): FundRecord {
  const {
    docType: _d,
    total: _t,
    allocated: _a,
    txId: _x,
    createdAt: _c,
    createdBy: _b,
    ...submitted
  } = stored;
  return submitted;
}

/** CreateFund: a funder creates its own fund; the identical fund again is a no-op, a different one is refused. */
export async function createFund(ctx: Context, fundJson: string): Promise<string> {
  const caller = await authorize(ctx, 'funder', 'create funds');
  const fund = FundRecordFactory.fundFromJson(fundJson);
  if (fund.funderId !== caller.orgId)
    throw new ChaincodeError('FUNDER_MISMATCH', 'a funder may only create its own funds', 'fund.funderId');
  const key = fundKey(ctx, fund.fundId);
  const existing = await readJson<StoredFundRecord>(ctx, key);
  if (existing) {
    if (canonicalJson(submittedFund(existing)) !== canonicalJson(fund))
      throw new ChaincodeError('CONFLICT', 'a different fund exists with this id', 'fund.fundId');
    return canonicalJson({
      fundId: fund.fundId,
      outcome: 'unchanged',
      txId: existing.txId,
    } satisfies FundOutcome);
  }
  const txId = ctx.stub.getTxID();
  const stored: StoredFundRecord = {
    ...fund,
    docType: 'fund',
    total: fund.deposit ?? fund.budget,
    allocated: 0,
    txId,
    createdAt: txTimestampIso(ctx),
    createdBy: caller.mspId,
  };
  await ctx.stub.putState(key, canonicalBytes(stored));
  // From now on only a transaction the funder's own peer endorsed can change the fund (its
  // allocated total above all): see requireFunderEndorsement.
  await requireFunderEndorsement(ctx, key, caller.mspId);
  ctx.stub.setEvent(FUND_CREATED_EVENT, canonicalBytes({ fundId: fund.fundId }));
  return canonicalJson({ fundId: fund.fundId, outcome: 'recorded', txId } satisfies FundOutcome);
}

/** TopUpFund: the owning funder raises a fund's deposits, up to its budget; idempotent by topUpId. */
export async function topUpFund(ctx: Context, topUpJson: string): Promise<string> {
  const caller = await authorize(ctx, 'funder', 'top up funds');
  const topUp = FundRecordFactory.topUpFromJson(topUpJson);
  const key = fundKey(ctx, topUp.fundId);
  const fund = await readJson<StoredFundRecord>(ctx, key);
  if (!fund)
    throw new ChaincodeError('FUND_NOT_FOUND', `fund ${topUp.fundId} does not exist`, 'topUp.fundId');
  if (fund.funderId !== caller.orgId)
    throw new ChaincodeError(
      'FUNDER_MISMATCH',
      'only the funder owning the fund may top it up',
      'topUp.fundId',
    );
  const tKey = topUpKey(ctx, topUp.fundId, topUp.topUpId);
  const existing = await readJson<StoredFundTopUp>(ctx, tKey);
  if (existing) {
    if (existing.amount !== topUp.amount)
      throw new ChaincodeError('CONFLICT', 'a different top-up exists with this id', 'topUp.topUpId');
    return canonicalJson({
      fundId: topUp.fundId,
      outcome: 'unchanged',
      txId: existing.txId,
    } satisfies FundOutcome);
  }
  const total = fund.total + topUp.amount;
  if (!Number.isSafeInteger(total))
    throw new ChaincodeError('INVALID_FIELD', 'would overflow the fund total', 'topUp.amount');
  // The budget is what the funder committed: deposits may reach it, never pass it.
  if (total > fund.budget)
    throw new ChaincodeError(
      'BUDGET_EXCEEDED',
      `would bring deposits to ${total}, above the budget ${fund.budget} (${fund.budget - fund.total} left)`,
      'topUp.amount',
    );
  const txId = ctx.stub.getTxID();
  const stored: StoredFundTopUp = { ...topUp, docType: 'fundTopUp', txId, recordedAt: txTimestampIso(ctx) };
  await ctx.stub.putState(tKey, canonicalBytes(stored));
  await requireFunderEndorsement(ctx, tKey, fund.createdBy);
  await ctx.stub.putState(key, canonicalBytes({ ...fund, total }));
  // Restated on every write of the fund: a fund recorded before funds carried the policy gets it.
  await requireFunderEndorsement(ctx, key, fund.createdBy);
  ctx.stub.setEvent(
    FUND_TOPPED_UP_EVENT,
    canonicalBytes({ fundId: topUp.fundId, topUpId: topUp.topUpId, amount: topUp.amount, total }),
  );
  return canonicalJson({ fundId: topUp.fundId, outcome: 'recorded', txId } satisfies FundOutcome);
}

/** GetFund: the fund with its remaining balance; NOT_FOUND when there is none. */
export async function getFund(ctx: Context, fundId: string): Promise<string> {
  checkFundId(fundId);
  const fund = await readJson<StoredFundRecord>(ctx, fundKey(ctx, fundId));
  if (!fund) throw new ChaincodeError('NOT_FOUND', `no fund ${fundId}`);
  return canonicalJson({ ...fund, remaining: fund.total - fund.allocated } satisfies FundView);
}

/** GetFundAllocations: every allocation to a fund, ordered by claim id (the key order). */
export async function getFundAllocations(ctx: Context, fundId: string): Promise<string> {
  checkFundId(fundId);
  const allocations: StoredAllocationRecord[] = [];
  for await (const kv of ctx.stub.getStateByPartialCompositeKey(ALLOCATION_OBJECT_TYPE, [fundId])) {
    allocations.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredAllocationRecord);
  }
  return canonicalJson(allocations);
}

function checkFundId(fundId: string): void {
  if (typeof fundId !== 'string' || !ID.test(fundId))
    throw new ChaincodeError('INVALID_ARGUMENT', 'must be a fund id', 'fundId');
}
