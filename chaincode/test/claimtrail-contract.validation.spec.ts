import { ChaincodeError } from '../src/chaincode.error';
import { DecisionRecordFactory } from '../src/decision-record.factory';
import { decisionRecord } from './support/fixtures';
import { executeTransaction } from './support/contract-harness';
import { MemoryWorldState } from './support/world-state';

type Mutable = Record<string, unknown> & {
  totals: Record<string, unknown>;
  lines: Record<string, unknown>[];
};
const base = (): Mutable => decisionRecord() as unknown as Mutable;

describe('DecisionRecordFactory', () => {
  it.each<[string, (r: Mutable) => void, string]>([
    ['a missing field', (r) => delete r.memberRef, 'INVALID_FIELD record.memberRef: is required'],
    [
      'an unknown field',
      (r) => (r.patientName = 'x'),
      'INVALID_FIELD record.patientName: is not a known field',
    ],
    ['a claim id with a NUL', (r) => (r.claimId = 'a\u0000b'), 'INVALID_FIELD record.claimId'],
    ['an empty payer id', (r) => (r.payerId = ''), 'INVALID_FIELD record.payerId'],
    ['revision 0', (r) => (r.revision = 0), 'INVALID_FIELD record.revision: must be an integer >= 1'],
    ['a fractional revision', (r) => (r.revision = 1.5), 'INVALID_FIELD record.revision'],
    ['a revision given as a string', (r) => (r.revision = '1'), 'INVALID_FIELD record.revision'],
    [
      'an upper-case hex commitment',
      (r) => (r.claimCommitment = 'A'.repeat(64)),
      'INVALID_FIELD record.claimCommitment',
    ],
    ['a short rule-set hash', (r) => (r.ruleSetHash = 'ab'), 'INVALID_FIELD record.ruleSetHash'],
    ['an unknown status', (r) => (r.status = 'maybe'), 'INVALID_FIELD record.status: must be one of'],
    ['a lower-case currency', (r) => (r.currency = 'kes'), 'INVALID_FIELD record.currency'],
    ['floating-point money', (r) => (r.totals.claimed = 100.5), 'INVALID_FIELD record.totals.claimed'],
    ['negative money', (r) => (r.totals.coPayment = -1), 'INVALID_FIELD record.totals.coPayment'],
    ['money beyond 2^53', (r) => (r.totals.eligible = 2 ** 53), 'INVALID_FIELD record.totals.eligible'],
    [
      'eligible above claimed',
      (r) => (r.totals.eligible = (r.totals.claimed as number) + 1),
      'INVALID_FIELD record.totals.eligible: must not exceed the claimed amount',
    ],
    [
      'shares that do not add up to what was eligible',
      (r) => (r.totals.approved = (r.totals.approved as number) + 1),
      'INVALID_FIELD record.totals.approved: approved + coPayment + deductible must equal eligible',
    ],
    [
      'lines that are not a list',
      (r) => (r.lines = {} as never),
      'INVALID_FIELD record.lines: must be an array',
    ],
    [
      'a line approved above claimed',
      (r) => (r.lines[1].approved = 999999999),
      'INVALID_FIELD record.lines[1].approved',
    ],
    [
      'a repeated line number',
      (r) => (r.lines[1].lineNo = 1),
      'INVALID_FIELD record.lines[1].lineNo: repeats a line number',
    ],
    [
      'a lower-case reason code',
      (r) => (r.lines[0].reasonCodes = ['nope']),
      'INVALID_FIELD record.lines[0].reasonCodes[0]',
    ],
    ['an unknown line status', (r) => (r.lines[0].status = 'ok'), 'INVALID_FIELD record.lines[0].status'],
    [
      'a date without a time zone',
      (r) => (r.decidedAt = '2025-11-20T10:15:00'),
      'INVALID_FIELD record.decidedAt',
    ],
    ['an impossible date', (r) => (r.decidedAt = '2025-13-45T10:15:00Z'), 'INVALID_FIELD record.decidedAt'],
    ['a control character', (r) => (r.decidedBy = 'rules\nengine'), 'INVALID_FIELD record.decidedBy'],
  ])('rejects %s, naming the field', (_name, mutate, message) => {
    const r = base();
    mutate(r);
    let error: unknown;
    try {
      DecisionRecordFactory.fromJson(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChaincodeError);
    expect((error as ChaincodeError).code).toBe('INVALID_FIELD');
    expect((error as Error).message).toContain(message);
  });

  it('returns a fresh record holding exactly the known fields', () => {
    const r = decisionRecord();
    const parsed = DecisionRecordFactory.fromJson(JSON.parse(JSON.stringify(r)));
    expect(parsed).toEqual(r);
    expect(Object.keys(parsed)).toEqual(Object.keys(r));
  });

  it.each([
    ['not JSON', '{', 'INVALID_BATCH: batch is not valid JSON'],
    ['not a list', '{}', 'INVALID_BATCH: batch must be a JSON array'],
    ['empty', '[]', 'INVALID_BATCH: batch must hold 1 to 500 records'],
  ])('rejects a batch that is %s', (_name, json, message) => {
    expect(() => DecisionRecordFactory.parseBatch(json)).toThrow(message);
  });

  it('names the offending record of a batch by index', () => {
    const bad = { ...decisionRecord(), revision: -3 };
    expect(() => DecisionRecordFactory.parseBatch(JSON.stringify([decisionRecord(), bad]))).toThrow(
      'INVALID_FIELD records[1].revision',
    );
  });

  it('makes RecordDecisions fail without writing anything when one record is invalid', async () => {
    const store = new MemoryWorldState();
    const good = decisionRecord();
    const bad = { ...decisionRecord(), currency: 'euro' };
    await expect(
      executeTransaction(store, {
        txId: 'tx-bad',
        channel: 'claimtrail',
        chaincode: 'claimtrail',
        fn: 'RecordDecisions',
        args: [JSON.stringify([good, bad])],
        timestamp: '2025-11-21T08:30:00.000Z',
        creator: { orgId: 'payer-1', kind: 'payer', mspId: 'payer-1', publicKeyPem: '' },
      }),
    ).rejects.toThrow('INVALID_FIELD records[1].currency');
    expect(store.snapshot()).toEqual([]);
  });
});
