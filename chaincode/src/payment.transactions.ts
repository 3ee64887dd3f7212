import type { Context } from 'fabric-contract-api';
import { authorize } from './caller-identity';
import { canonicalBytes, canonicalJson } from './canonical-json';
import { ChaincodeError } from './chaincode.error';
import { claimKey } from './claim-keys';
import { ID } from './decision-record.factory';
import { requireFunderEndorsement } from './key-endorsement';
import { allocationKey, fundKey, paymentKey, readJson } from './ledger-keys';
import { PaymentRecordFactory } from './payment-record.factory';
import type {
  PaymentRecord,
  RecordOutcome,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredFundRecord,
  StoredPaymentRecord,
} from './records';
import { txTimestampIso } from './tx-timestamp';

/**
 * Event of a RecordPayments transaction that paid at least one claim. Fabric keeps one event per
 * transaction, so it carries both the paid claims and the fund allocations (DESIGN's FundAllocated).
 */
export const CLAIM_PAID_EVENT = 'ClaimPaid';

const PAYABLE = new Set(['approved', 'partially_approved']);

/** The submitted part of a stored payment, which idempotency and proofs compare. */
export function submittedPayment(stored: StoredPaymentRecord): PaymentRecord {
  const { docType: _d, txId: _t, recordedAt: _r, recordedBy: _b, ...submitted } = stored;
  return submitted;
}

/** Everything one transaction has read or changed, since reads do not see the transaction's own writes. */
interface Working {
  payments: Map<string, { canonical: string; txId: string }>;
  funds: Map<string, StoredFundRecord>;
}

/**
 * RecordPayments: a payer records payments of claims it decided, each allocated to funds. Every
 * check runs against the ledger itself; any violation refuses the whole batch (the platform's
 * relay resubmits records one by one to isolate the refused one). A claim is paid once.
 */
export async function recordPayments(ctx: Context, batchJson: string): Promise<string> {
  const caller = await authorize(ctx, 'payer', 'record payments');
  const payments = PaymentRecordFactory.parseBatch(batchJson);
  const txId = ctx.stub.getTxID();
  const recordedAt = txTimestampIso(ctx);
  const working: Working = { payments: new Map(), funds: new Map() };
  const results: RecordOutcome[] = [];
  const paid: { claimId: string; revision: number }[] = [];
  const allocated: { fundId: string; claimId: string; amount: number }[] = [];

  for (const [i, payment] of payments.entries()) {
    const at = `records[${i}]`;
    if (payment.payerId !== caller.orgId)
      throw new ChaincodeError('PAYER_MISMATCH', 'a payer may only record its own payments', `${at}.payerId`);
    const { claimId, revision } = payment;
    const canonical = canonicalJson(payment);
    const known = working.payments.get(claimId) ?? (await readKnownPayment(ctx, claimId));
    if (known) {
      const outcome = known.canonical === canonical ? 'unchanged' : 'conflict';
      results.push({ claimId, revision, outcome, txId: known.txId });
      continue;
    }
    await checkAgainstDecision(ctx, payment, at);
    const charges = await chargeFunds(ctx, working, payment, at);

    const stored: StoredPaymentRecord = {
      ...payment,
      docType: 'claimPayment',
      txId,
      recordedAt,
      recordedBy: caller.mspId,
    };
    await ctx.stub.putState(paymentKey(ctx, claimId), canonicalBytes(stored));
    for (const charge of charges) {
      const record: StoredAllocationRecord = {
        docType: 'fundAllocation',
        fundId: charge.fundId,
        claimId,
        revision,
        payerId: payment.payerId,
        providerId: payment.providerId,
        planId: payment.planId,
        currency: payment.currency,
        serviceDate: payment.serviceDate,
        amount: charge.amount,
        categories: charge.categories,
        txId,
        recordedAt,
      };
      const aKey = allocationKey(ctx, charge.fundId, claimId);
      await ctx.stub.putState(aKey, canonicalBytes(record));
      // An allocation, once recorded, can be changed or removed only with the funder's endorsement.
      await requireFunderEndorsement(ctx, aKey, working.funds.get(charge.fundId)!.createdBy);
      allocated.push({ fundId: charge.fundId, claimId, amount: charge.amount });
    }
    working.payments.set(claimId, { canonical, txId });
    paid.push({ claimId, revision });
    results.push({ claimId, revision, outcome: 'recorded', txId });
  }

  // Each touched fund is written once, in fund-id order. The fund's key-level policy (set by
  // CreateFund, restated here) makes this write, and so the whole transaction, need the
  // endorsement of the funder's own peer, which runs these same checks on its own copy of the
  // ledger.
  for (const fundId of [...working.funds.keys()].sort()) {
    const fund = working.funds.get(fundId)!;
    const key = fundKey(ctx, fundId);
    await ctx.stub.putState(key, canonicalBytes(fund));
    await requireFunderEndorsement(ctx, key, fund.createdBy);
  }
  if (paid.length > 0)
    ctx.stub.setEvent(CLAIM_PAID_EVENT, canonicalBytes({ claims: paid, allocations: allocated }));
  return canonicalJson({ results });
}

/** GetPayment: the payment recorded for a claim; NOT_FOUND when there is none. */
export async function getPayment(ctx: Context, claimId: string): Promise<string> {
  if (typeof claimId !== 'string' || !ID.test(claimId))
    throw new ChaincodeError('INVALID_ARGUMENT', 'must be a claim id', 'claimId');
  const payment = await readJson<StoredPaymentRecord>(ctx, paymentKey(ctx, claimId));
  if (!payment) throw new ChaincodeError('NOT_FOUND', `no payment is recorded for claim ${claimId}`);
  return canonicalJson(payment);
}

async function readKnownPayment(ctx: Context, claimId: string) {
  const stored = await readJson<StoredPaymentRecord>(ctx, paymentKey(ctx, claimId));
  return stored && { canonical: canonicalJson(submittedPayment(stored)), txId: stored.txId };
}

async function checkAgainstDecision(ctx: Context, payment: PaymentRecord, at: string): Promise<void> {
  const decision = await readJson<StoredDecisionRecord>(
    ctx,
    claimKey(ctx, payment.claimId, payment.revision),
  );
  if (!decision) {
    throw new ChaincodeError(
      'DECISION_NOT_FOUND',
      `claim ${payment.claimId} has no decision revision ${payment.revision} on the ledger`,
      `${at}.revision`,
    );
  }
  if (!PAYABLE.has(decision.status))
    throw new ChaincodeError('DECISION_NOT_PAYABLE', `the decision is ${decision.status}`, `${at}.revision`);
  if (decision.payerId !== payment.payerId)
    throw new ChaincodeError('PAYER_MISMATCH', 'the claim was decided by another payer', `${at}.payerId`);
  for (const field of ['providerId', 'currency'] as const) {
    if (decision[field] !== payment[field])
      throw new ChaincodeError('DECISION_MISMATCH', `differs from the decision's ${field}`, `${at}.${field}`);
  }
  if (payment.amount > decision.totals.approved) {
    throw new ChaincodeError(
      'AMOUNT_EXCEEDS_APPROVED',
      `exceeds the approved ${decision.totals.approved}`,
      `${at}.amount`,
    );
  }
  const approvedIn = new Map<string, number>();
  for (const line of decision.lines)
    approvedIn.set(line.category, (approvedIn.get(line.category) ?? 0) + line.approved);
  const allocatedIn = new Map<string, number>();
  let total = 0;
  for (const [j, a] of payment.allocations.entries()) {
    const sum = (allocatedIn.get(a.category) ?? 0) + a.amount;
    allocatedIn.set(a.category, sum);
    if (sum > (approvedIn.get(a.category) ?? 0)) {
      throw new ChaincodeError(
        'CATEGORY_EXCEEDS_APPROVED',
        `allocations in ${a.category} exceed what the decision approved in it`,
        `${at}.allocations[${j}].amount`,
      );
    }
    total += a.amount;
    if (total > payment.amount) {
      throw new ChaincodeError(
        'ALLOCATIONS_EXCEED_PAYMENT',
        'allocations add up to more than the payment',
        `${at}.allocations[${j}].amount`,
      );
    }
  }
}

interface Charge {
  fundId: string;
  amount: number;
  categories: { category: string; amount: number }[];
}

/** Checks each allocation against its fund and charges the working copy; returns one charge per fund. */
async function chargeFunds(
  ctx: Context,
  working: Working,
  payment: PaymentRecord,
  at: string,
): Promise<Charge[]> {
  const charges: Charge[] = [];
  for (const [j, a] of payment.allocations.entries()) {
    const aAt = `${at}.allocations[${j}]`;
    const fund =
      working.funds.get(a.fundId) ?? (await readJson<StoredFundRecord>(ctx, fundKey(ctx, a.fundId)));
    if (!fund) throw new ChaincodeError('FUND_NOT_FOUND', `fund ${a.fundId} does not exist`, `${aAt}.fundId`);
    if (fund.currency !== payment.currency)
      throw new ChaincodeError(
        'CURRENCY_MISMATCH',
        `fund ${a.fundId} is in ${fund.currency}`,
        `${aAt}.fundId`,
      );
    if (payment.serviceDate < fund.period.start || payment.serviceDate > fund.period.end) {
      throw new ChaincodeError(
        'OUTSIDE_FUND_PERIOD',
        `fund ${a.fundId} covers ${fund.period.start} to ${fund.period.end}`,
        `${at}.serviceDate`,
      );
    }
    const { payerIds, planIds, providerIds, categories } = fund.earmarks;
    const earmarks: [string[] | undefined, string, string][] = [
      [payerIds, payment.payerId, `${at}.payerId`],
      [planIds, payment.planId, `${at}.planId`],
      [providerIds, payment.providerId, `${at}.providerId`],
      [categories, a.category, `${aAt}.category`],
    ];
    for (const [allowed, value, field] of earmarks) {
      if (allowed && !allowed.includes(value))
        throw new ChaincodeError('EARMARK_MISMATCH', `fund ${a.fundId} is not earmarked for ${value}`, field);
    }
    if (fund.total - fund.allocated < a.amount) {
      throw new ChaincodeError(
        'FUND_OVERSPENT',
        `fund ${a.fundId} has ${fund.total - fund.allocated} remaining`,
        `${aAt}.amount`,
      );
    }
    working.funds.set(a.fundId, { ...fund, allocated: fund.allocated + a.amount });
    const charge = charges.find((c) => c.fundId === a.fundId);
    if (charge) {
      charge.amount += a.amount;
      const line = charge.categories.find((c) => c.category === a.category);
      if (line) line.amount += a.amount;
      else charge.categories.push({ category: a.category, amount: a.amount });
    } else
      charges.push({
        fundId: a.fundId,
        amount: a.amount,
        categories: [{ category: a.category, amount: a.amount }],
      });
  }
  return charges;
}
