import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './chaincode.error';
import { CLAIM_OBJECT_TYPE } from './claim-keys';
import { ID } from './decision-record.factory';
import { parseJsonArgument } from './fund-record.factory';
import { allocationKey, paymentKey, readJson } from './ledger-keys';
import type {
  ClaimRecords,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from './records';

/** Most claims one GetClaimRecords call answers for. */
export const MAX_CLAIM_RECORDS = 1000;

/**
 * GetClaimRecords: for each claim id (a JSON array), every decision revision, the payment and the
 * fund allocations the payment made, so a reconciler can compare a page of claims in one query.
 * Claims with nothing recorded are left out.
 */
export async function getClaimRecords(ctx: Context, claimIdsJson: string): Promise<string> {
  const ids = parseJsonArgument(claimIdsJson, 'claimIds');
  if (!Array.isArray(ids) || ids.length > MAX_CLAIM_RECORDS)
    throw new ChaincodeError(
      'INVALID_ARGUMENT',
      `must be a JSON array of at most ${MAX_CLAIM_RECORDS} claim ids`,
      'claimIds',
    );
  const answer: ClaimRecords[] = [];
  for (const [i, claimId] of ids.entries()) {
    if (typeof claimId !== 'string' || !ID.test(claimId))
      throw new ChaincodeError('INVALID_ARGUMENT', 'must be a claim id', `claimIds[${i}]`);
    const decisions: StoredDecisionRecord[] = [];
    for await (const kv of ctx.stub.getStateByPartialCompositeKey(CLAIM_OBJECT_TYPE, [claimId]))
      decisions.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredDecisionRecord);
    const payment = (await readJson<StoredPaymentRecord>(ctx, paymentKey(ctx, claimId))) ?? null;
    const allocations: StoredAllocationRecord[] = [];
    // A payment allocates to each fund once; the fund ids come in the payment's own order.
    for (const fundId of new Set(payment?.allocations.map((a) => a.fundId) ?? [])) {
      const allocation = await readJson<StoredAllocationRecord>(ctx, allocationKey(ctx, fundId, claimId));
      if (allocation) allocations.push(allocation);
    }
    if (decisions.length > 0 || payment) answer.push({ claimId, decisions, payment, allocations });
  }
  return JSON.stringify(answer);
}
