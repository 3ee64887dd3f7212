import { ChaincodeError } from './chaincode.error';
import { checkString, FieldReader } from './field-reader';
import type { DecisionLineRecord, DecisionRecord, LedgerDecisionStatus } from './records';

/** Ids of claims, organizations, funds and plans: letters, digits, ".", "_" or "-". */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** How ID is described in errors. */
export const ID_TEXT = 'an id of letters, digits, ".", "_" or "-"';
const HEX_HASH = /^[0-9a-f]{64}$/;
/** ISO 4217 currency code. */
export const CURRENCY = /^[A-Z]{3}$/;
const REASON_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const DECISION_STATUSES: readonly LedgerDecisionStatus[] = [
  'approved',
  'partially_approved',
  'rejected',
  'pended',
];
const LINE_STATUSES: readonly DecisionLineRecord['status'][] = ['approved', 'adjusted', 'rejected', 'pended'];
const RECORD_FIELDS = [
  'claimId',
  'revision',
  'payerId',
  'providerId',
  'planVersionId',
  'memberRef',
  'claimCommitment',
  'status',
  'currency',
  'totals',
  'lines',
  'ruleSetHash',
  'reviewSeed',
  'decidedAt',
  'decidedBy',
] as const;
const TOTAL_FIELDS = ['claimed', 'eligible', 'coPayment', 'deductible', 'approved'] as const;
const LINE_FIELDS = ['lineNo', 'category', 'claimed', 'approved', 'status', 'reasonCodes'] as const;

/** Largest number of records one RecordDecisions transaction accepts. */
export const MAX_BATCH_SIZE = 500;

/**
 * The only way a DecisionRecord enters the contract: validates every field of untrusted input and
 * returns a fresh object holding exactly the known fields, so stored records never carry extras.
 */
export class DecisionRecordFactory {
  /** Parses and validates a RecordDecisions batch: a JSON array of 1..MAX_BATCH_SIZE records. */
  static parseBatch(batchJson: string): DecisionRecord[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(batchJson);
    } catch {
      throw new ChaincodeError('INVALID_BATCH', 'batch is not valid JSON');
    }
    if (!Array.isArray(parsed))
      throw new ChaincodeError('INVALID_BATCH', 'batch must be a JSON array of records');
    if (parsed.length === 0 || parsed.length > MAX_BATCH_SIZE) {
      throw new ChaincodeError('INVALID_BATCH', `batch must hold 1 to ${MAX_BATCH_SIZE} records`);
    }
    return parsed.map((item, i) => DecisionRecordFactory.fromJson(item, `records[${i}]`));
  }

  /** Validates one record; `path` prefixes field names in errors. */
  static fromJson(value: unknown, path = 'record'): DecisionRecord {
    const r = FieldReader.object(value, path, RECORD_FIELDS);
    // Fields are read in declaration order, so the first invalid one is the one reported.
    return {
      claimId: r.string('claimId', 128, ID, ID_TEXT),
      revision: r.integer('revision', 1),
      payerId: r.string('payerId', 128, ID, ID_TEXT),
      providerId: r.string('providerId', 128, ID, ID_TEXT),
      planVersionId: r.string('planVersionId', 128, ID, ID_TEXT),
      memberRef: r.string('memberRef', 64, HEX_HASH, 'a lowercase hex SHA-256 value'),
      claimCommitment: r.string('claimCommitment', 64, HEX_HASH, 'a lowercase hex SHA-256 value'),
      status: r.oneOf('status', DECISION_STATUSES),
      currency: r.string('currency', 3, CURRENCY, 'an ISO 4217 currency code'),
      totals: readTotals(r.raw('totals'), r.at('totals')),
      lines: readLines(r.array('lines', 1000), r.at('lines')),
      ruleSetHash: r.string('ruleSetHash', 64, HEX_HASH, 'a lowercase hex SHA-256 value'),
      reviewSeed: r.string('reviewSeed', 64, HEX_HASH, 'a lowercase hex SHA-256 value'),
      decidedAt: r.instant('decidedAt'),
      decidedBy: r.string('decidedBy', 200),
    };
  }
}

function readTotals(value: unknown, path: string): DecisionRecord['totals'] {
  const t = FieldReader.object(value, path, TOTAL_FIELDS);
  const totals = {
    claimed: t.integer('claimed', 0),
    eligible: t.integer('eligible', 0),
    coPayment: t.integer('coPayment', 0),
    deductible: t.integer('deductible', 0),
    approved: t.integer('approved', 0),
  };
  if (totals.eligible > totals.claimed) {
    throw new ChaincodeError('INVALID_FIELD', 'must not exceed the claimed amount', t.at('eligible'));
  }
  // What the member bears and what the payer approves together make up what was eligible.
  if (totals.approved + totals.coPayment + totals.deductible !== totals.eligible) {
    throw new ChaincodeError(
      'INVALID_FIELD',
      'approved + coPayment + deductible must equal eligible',
      t.at('approved'),
    );
  }
  return totals;
}

function readLines(values: unknown[], path: string): DecisionLineRecord[] {
  const seen = new Set<number>();
  return values.map((value, i) => {
    const line = readLine(value, `${path}[${i}]`);
    if (seen.has(line.lineNo))
      throw new ChaincodeError('INVALID_FIELD', 'repeats a line number', `${path}[${i}].lineNo`);
    seen.add(line.lineNo);
    return line;
  });
}

function readLine(value: unknown, path: string): DecisionLineRecord {
  const l = FieldReader.object(value, path, LINE_FIELDS);
  const line: DecisionLineRecord = {
    lineNo: l.integer('lineNo', 1),
    category: l.string('category', 64),
    claimed: l.integer('claimed', 0),
    approved: l.integer('approved', 0),
    status: l.oneOf('status', LINE_STATUSES),
    reasonCodes: l
      .array('reasonCodes', 32)
      .map((code, i) =>
        checkString(code, `${l.at('reasonCodes')}[${i}]`, 64, REASON_CODE, 'an upper-case reason code'),
      ),
  };
  if (line.approved > line.claimed) {
    throw new ChaincodeError('INVALID_FIELD', 'must not exceed the claimed amount', l.at('approved'));
  }
  return line;
}
