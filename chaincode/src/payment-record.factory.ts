import { ChaincodeError } from './chaincode.error';
import { CURRENCY, ID, ID_TEXT, MAX_BATCH_SIZE } from './decision-record.factory';
import { FieldReader } from './field-reader';
import { parseJsonArgument } from './fund-record.factory';
import type { PaymentAllocation, PaymentRecord } from './records';

const PAYMENT_FIELDS = [
  'claimId',
  'revision',
  'payerId',
  'providerId',
  'planId',
  'currency',
  'amount',
  'serviceDate',
  'paidAt',
  'paymentRef',
  'allocations',
] as const;
const ALLOCATION_FIELDS = ['fundId', 'category', 'amount'] as const;
const MAX_ALLOCATIONS = 100;

/** The only way a PaymentRecord enters the contract; checks shape only, the ledger checks come after. */
export class PaymentRecordFactory {
  /** Parses and validates a RecordPayments batch: a JSON array of 1..MAX_BATCH_SIZE payments. */
  static parseBatch(batchJson: string): PaymentRecord[] {
    const parsed = parseJsonArgument(batchJson, 'batch');
    if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_BATCH_SIZE) {
      throw new ChaincodeError(
        'INVALID_BATCH',
        `batch must be a JSON array of 1 to ${MAX_BATCH_SIZE} payments`,
      );
    }
    return parsed.map((item, i) => PaymentRecordFactory.fromJson(item, `records[${i}]`));
  }

  /** Validates one payment; `path` prefixes field names in errors. */
  static fromJson(value: unknown, path = 'record'): PaymentRecord {
    const r = FieldReader.object(value, path, PAYMENT_FIELDS);
    return {
      claimId: r.string('claimId', 128, ID, ID_TEXT),
      revision: r.integer('revision', 1),
      payerId: r.string('payerId', 128, ID, ID_TEXT),
      providerId: r.string('providerId', 128, ID, ID_TEXT),
      planId: r.string('planId', 128, ID, ID_TEXT),
      currency: r.string('currency', 3, CURRENCY, 'an ISO 4217 currency code'),
      amount: r.integer('amount', 0),
      serviceDate: r.date('serviceDate'),
      paidAt: r.instant('paidAt'),
      paymentRef: r.string('paymentRef', 128),
      allocations: r
        .array('allocations', MAX_ALLOCATIONS)
        .map((a, i) => readAllocation(a, `${r.at('allocations')}[${i}]`)),
    };
  }
}

function readAllocation(value: unknown, path: string): PaymentAllocation {
  const a = FieldReader.object(value, path, ALLOCATION_FIELDS);
  return {
    fundId: a.string('fundId', 128, ID, ID_TEXT),
    category: a.string('category', 64),
    amount: a.integer('amount', 1),
  };
}
