import { canonicalJson } from '../src/canonical-json';
import type { DecisionRecord, StoredDecisionRecord } from '../src/records';
import { txTimestampIso } from '../src/tx-timestamp';
import type { Context } from 'fabric-contract-api';
import { executeTransaction, type TestCreator } from './support/contract-harness';
import { decisionRecord } from './support/fixtures';
import { MemoryWorldState } from './support/world-state';

const PAYER: TestCreator = { orgId: 'payer-1', kind: 'payer', mspId: 'payer-1', publicKeyPem: '' };

async function call(
  store: MemoryWorldState,
  fn: string,
  arg: string,
  txId = 'tx',
  timestamp = '2025-11-21T08:30:00.000Z',
) {
  const execution = await executeTransaction(store, {
    txId,
    channel: 'claimtrail',
    chaincode: 'claimtrail',
    fn,
    args: [arg],
    timestamp,
    creator: PAYER,
  });
  store.apply(execution.writes);
  return execution;
}

describe('ClaimtrailContract reads', () => {
  it('returns every revision oldest first, whatever order they were recorded in, and the latest for GetClaim', async () => {
    const store = new MemoryWorldState();
    const claimId = 'claim-abc';
    const revisions = [3, 11, 1, 10, 2, 9];
    for (const revision of revisions) {
      await call(
        store,
        'RecordDecisions',
        JSON.stringify([decisionRecord({ claimId, revision })]),
        `tx-r${revision}`,
      );
    }
    // A claim whose id extends this one must not leak into its range scan.
    await call(
      store,
      'RecordDecisions',
      JSON.stringify([decisionRecord({ claimId: 'claim-abcd' })]),
      'tx-other',
    );

    const history = JSON.parse(
      (await call(store, 'GetClaimHistory', claimId)).result,
    ) as StoredDecisionRecord[];
    expect(history.map((r) => r.revision)).toEqual([1, 2, 3, 9, 10, 11]);
    expect(history.map((r) => r.txId)).toEqual(['tx-r1', 'tx-r2', 'tx-r3', 'tx-r9', 'tx-r10', 'tx-r11']);
    const latest = JSON.parse((await call(store, 'GetClaim', claimId)).result) as StoredDecisionRecord;
    expect(latest.revision).toBe(11);
  });

  it('answers an unknown claim with an empty history and NOT_FOUND', async () => {
    const store = new MemoryWorldState();
    expect((await call(store, 'GetClaimHistory', 'nobody')).result).toBe('[]');
    await expect(call(store, 'GetClaim', 'nobody')).rejects.toThrow('NOT_FOUND');
    await expect(call(store, 'GetClaim', 'bad\u0000id')).rejects.toThrow('INVALID_ARGUMENT claimId');
  });
});

describe('ClaimtrailContract determinism', () => {
  it('writes byte-identical state and results for the same transactions, whatever the JSON key order', async () => {
    const records: DecisionRecord[] = Array.from({ length: 6 }, (_, i) =>
      decisionRecord({ claimId: `claim-${i}`, revision: (i % 3) + 1 }),
    );
    const sortedKeys = (r: DecisionRecord) => JSON.parse(canonicalJson(r)) as DecisionRecord;
    const reversed = (r: DecisionRecord) =>
      Object.fromEntries(Object.entries(r).reverse()) as unknown as DecisionRecord;

    const runs = await Promise.all(
      [sortedKeys, reversed].map(async (shape) => {
        const store = new MemoryWorldState();
        const results: string[] = [];
        for (let i = 0; i < records.length; i += 2) {
          const batch = [records[i], records[i + 1], records[i]].map(shape);
          results.push(
            (
              await call(
                store,
                'RecordDecisions',
                JSON.stringify(batch),
                `tx-${i}`,
                `2025-11-21T08:3${i}:00.000Z`,
              )
            ).result,
          );
        }
        return { results, state: store.snapshot().map((e) => [e.key, Buffer.from(e.value).toString('hex')]) };
      }),
    );
    expect(runs[0].state).toHaveLength(6);
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe('txTimestampIso', () => {
  const ctxWith = (seconds: unknown, nanos: number) =>
    ({ stub: { getTxTimestamp: () => ({ seconds, nanos }) } }) as unknown as Context;

  it('reads seconds given as a number, a bigint or a Long-like object', () => {
    const longLike = { low: 1763713800, high: 0, toString: () => '1763713800' };
    for (const seconds of [1763713800, BigInt(1763713800), longLike]) {
      expect(txTimestampIso(ctxWith(seconds, 123_456_789))).toBe('2025-11-21T08:30:00.123Z');
    }
  });
});
