import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { authorize, identityBinding, registerOrganization } from './caller-identity';
import { getAccessLogAnchors, recordAccessLogAnchor } from './access-log-anchor.transactions';
import { canonicalBytes, canonicalJson } from './canonical-json';
import { ChaincodeError } from './chaincode.error';
import { getClaimRecords } from './claim-records.transactions';
import { CLAIM_OBJECT_TYPE, claimKey } from './claim-keys';
import { DecisionRecordFactory } from './decision-record.factory';
import { createFund, getFund, getFundAllocations, topUpFund } from './fund.transactions';
import { getPayment, recordPayments } from './payment.transactions';
import type { DecisionRecord, RecordOutcome, StoredDecisionRecord } from './records';
import { txTimestampIso } from './tx-timestamp';

/** Name of the event emitted by a RecordDecisions transaction that recorded at least one decision. */
export const CLAIM_DECIDED_EVENT = 'ClaimDecided';

const CLAIM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What a key already holds: the submitted part of its record, which idempotency compares, and its transaction. */
interface KnownRecord {
  submitted: DecisionRecord;
  txId: string;
}

/**
 * The claimtrail chaincode: adjudication decisions keyed by (claimId, revision). A key is written
 * once; resubmitting the identical record is a no-op and a different one is reported as a conflict,
 * which makes retries from the platform's outbox harmless.
 */
@Info({
  title: 'claimtrail',
  description: 'Tamper-evident trail of health-insurance claim decisions, payments and fund allocations',
})
export class ClaimtrailContract extends Contract {
  constructor() {
    super('claimtrail');
  }

  /** Refuses every transaction, reads included, while the identity binding is not configured. */
  override async beforeTransaction(_ctx: Context): Promise<void> {
    identityBinding();
  }

  /** Binds the caller's organization id to the caller's MSP, once; returns a RegistrationOutcome. */
  @Transaction()
  @Returns('string')
  async RegisterOrganization(ctx: Context): Promise<string> {
    return registerOrganization(ctx);
  }

  /** Records a batch (JSON array) of decisions signed by a payer; returns `{ results: RecordOutcome[] }`. */
  @Transaction()
  @Returns('string')
  async RecordDecisions(ctx: Context, batchJson: string): Promise<string> {
    const caller = await authorize(ctx, 'payer', 'record decisions');
    const records = DecisionRecordFactory.parseBatch(batchJson);
    const txId = ctx.stub.getTxID();
    const recordedAt = txTimestampIso(ctx);
    // Fabric reads never see this transaction's own writes, so the batch's keys are tracked here.
    const inBatch = new Map<string, KnownRecord>();
    const results: RecordOutcome[] = [];
    const recorded: { claimId: string; revision: number }[] = [];

    for (const [i, record] of records.entries()) {
      if (record.payerId !== caller.orgId) {
        throw new ChaincodeError(
          'PAYER_MISMATCH',
          'a payer may only record its own decisions',
          `records[${i}].payerId`,
        );
      }
      const key = claimKey(ctx, record.claimId, record.revision);
      const known = inBatch.get(key) ?? (await readKnown(ctx, key));
      const { claimId, revision } = record;
      if (known) {
        // Canonical forms are built only for a key already written: a retry, rarely anything else.
        const outcome = canonicalJson(known.submitted) === canonicalJson(record) ? 'unchanged' : 'conflict';
        results.push({ claimId, revision, outcome, txId: known.txId });
        continue;
      }
      const stored: StoredDecisionRecord = {
        ...record,
        docType: 'claimDecision',
        txId,
        recordedAt,
        recordedBy: caller.mspId,
      };
      await ctx.stub.putState(key, canonicalBytes(stored));
      inBatch.set(key, { submitted: record, txId });
      recorded.push({ claimId, revision });
      results.push({ claimId, revision, outcome: 'recorded', txId });
    }

    if (recorded.length > 0) ctx.stub.setEvent(CLAIM_DECIDED_EVENT, canonicalBytes({ records: recorded }));
    return canonicalJson({ results });
  }

  /** The latest recorded revision of a claim's decision, as JSON; NOT_FOUND when there is none. */
  @Transaction(false)
  @Returns('string')
  async GetClaim(ctx: Context, claimId: string): Promise<string> {
    const history = await readHistory(ctx, claimId);
    const latest = history[history.length - 1];
    if (!latest) throw new ChaincodeError('NOT_FOUND', `no decision is recorded for claim ${claimId}`);
    return canonicalJson(latest);
  }

  /** Every recorded revision of a claim's decision, oldest first, as a JSON array (empty when none). */
  @Transaction(false)
  @Returns('string')
  async GetClaimHistory(ctx: Context, claimId: string): Promise<string> {
    return canonicalJson(await readHistory(ctx, claimId));
  }

  /** Creates a funder's fund (JSON FundRecord); returns a FundOutcome. */
  @Transaction()
  @Returns('string')
  async CreateFund(ctx: Context, fundJson: string): Promise<string> {
    return createFund(ctx, fundJson);
  }

  /** Tops up a fund owned by the calling funder (JSON FundTopUp); returns a FundOutcome. */
  @Transaction()
  @Returns('string')
  async TopUpFund(ctx: Context, topUpJson: string): Promise<string> {
    return topUpFund(ctx, topUpJson);
  }

  /** Records a batch (JSON array) of claim payments with their fund allocations; returns `{ results: RecordOutcome[] }`. */
  @Transaction()
  @Returns('string')
  async RecordPayments(ctx: Context, batchJson: string): Promise<string> {
    return recordPayments(ctx, batchJson);
  }

  /** A fund with `remaining`; NOT_FOUND when there is none. */
  @Transaction(false)
  @Returns('string')
  async GetFund(ctx: Context, fundId: string): Promise<string> {
    return getFund(ctx, fundId);
  }

  /** Every allocation to a fund, ordered by claim id, as a JSON array. */
  @Transaction(false)
  @Returns('string')
  async GetFundAllocations(ctx: Context, fundId: string): Promise<string> {
    return getFundAllocations(ctx, fundId);
  }

  /** The payment recorded for a claim; NOT_FOUND when there is none. */
  @Transaction(false)
  @Returns('string')
  async GetPayment(ctx: Context, claimId: string): Promise<string> {
    return getPayment(ctx, claimId);
  }

  /** The operator pins the platform's access-log head (JSON `{seq, hash}`); returns an AccessLogAnchorOutcome. */
  @Transaction()
  @Returns('string')
  async RecordAccessLogAnchor(ctx: Context, anchorJson: string): Promise<string> {
    return recordAccessLogAnchor(ctx, anchorJson);
  }

  /** Access-log anchors after a sequence number (JSON `{after}`), oldest first, at most 1,000. */
  @Transaction(false)
  @Returns('string')
  async GetAccessLogAnchors(ctx: Context, queryJson: string): Promise<string> {
    return getAccessLogAnchors(ctx, queryJson);
  }

  /** Decisions, payment and allocations of each claim in a JSON array of ids (at most 1,000). */
  @Transaction(false)
  @Returns('string')
  async GetClaimRecords(ctx: Context, claimIdsJson: string): Promise<string> {
    return getClaimRecords(ctx, claimIdsJson);
  }
}

/** Splits the ledger's own fields off a stored record, leaving what the payer submitted. */
export function submittedPart(stored: StoredDecisionRecord): DecisionRecord {
  const {
    docType: _docType,
    txId: _txId,
    recordedAt: _recordedAt,
    recordedBy: _recordedBy,
    ...submitted
  } = stored;
  return submitted;
}

async function readKnown(ctx: Context, key: string): Promise<KnownRecord | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  const stored = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredDecisionRecord;
  return { submitted: submittedPart(stored), txId: stored.txId };
}

async function readHistory(ctx: Context, claimId: string): Promise<StoredDecisionRecord[]> {
  if (typeof claimId !== 'string' || !CLAIM_ID.test(claimId)) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'must be a claim id', 'claimId');
  }
  const history: StoredDecisionRecord[] = [];
  // Zero-padded revisions make this range scan come back in revision order.
  for await (const kv of ctx.stub.getStateByPartialCompositeKey(CLAIM_OBJECT_TYPE, [claimId])) {
    history.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredDecisionRecord);
  }
  return history;
}
