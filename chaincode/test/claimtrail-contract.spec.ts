import { canonicalJson } from '../src/canonical-json';
import type { DecisionRecord, RecordOutcome, StoredDecisionRecord } from '../src/records';
import { invokeContract, type TestCreator } from './support/contract-harness';
import { decisionRecord } from './support/fixtures';
import { MemoryWorldState } from './support/world-state';

const PAYER: TestCreator = {
  orgId: 'payer-1',
  kind: 'payer',
  mspId: 'Payer1MSP',
  publicKeyPem: 'pem',
};
const TIMESTAMP = '2025-11-21T08:30:00.123Z';

const invoke = (
  store: MemoryWorldState,
  fn: string,
  args: string[],
  creator: TestCreator = PAYER,
  txId?: string,
) => invokeContract(store, fn, args, creator, { txId, timestamp: TIMESTAMP });

async function record(store: MemoryWorldState, records: unknown[], creator = PAYER, txId?: string) {
  const execution = await invoke(store, 'RecordDecisions', [JSON.stringify(records)], creator, txId);
  return { execution, results: (JSON.parse(execution.result) as { results: RecordOutcome[] }).results };
}

async function history(store: MemoryWorldState, claimId: string): Promise<StoredDecisionRecord[]> {
  return JSON.parse((await invoke(store, 'GetClaimHistory', [claimId])).result) as StoredDecisionRecord[];
}

const rec = (o: Partial<DecisionRecord> = {}) => decisionRecord({ payerId: PAYER.orgId, ...o });

describe('ClaimtrailContract.RecordDecisions', () => {
  it('stores each record under its composite key as canonical JSON with the ledger fields', async () => {
    const store = new MemoryWorldState();
    const a = rec();
    const b = rec({ revision: 2 });
    const { execution, results } = await record(store, [a, b], PAYER, 'tx-first');

    expect(results).toEqual([
      { claimId: a.claimId, revision: 1, outcome: 'recorded', txId: 'tx-first' },
      { claimId: b.claimId, revision: 2, outcome: 'recorded', txId: 'tx-first' },
    ]);
    const key = `\u0000claim\u0000${a.claimId}\u00000000000001\u0000`;
    const stored = await store.get(key);
    const expected = {
      ...a,
      docType: 'claimDecision',
      txId: 'tx-first',
      recordedAt: TIMESTAMP,
      recordedBy: 'Payer1MSP',
    };
    expect(Buffer.from(stored!).toString('utf8')).toBe(canonicalJson(expected));
    expect(execution.event?.name).toBe('ClaimDecided');
    expect(JSON.parse(execution.event!.payload.toString('utf8'))).toEqual({
      records: [
        { claimId: a.claimId, revision: 1 },
        { claimId: b.claimId, revision: 2 },
      ],
    });
  });

  it('treats an identical resubmission as unchanged, naming the original transaction, and writes nothing', async () => {
    const store = new MemoryWorldState();
    const a = rec();
    await record(store, [a], PAYER, 'tx-original');
    // Same record with its keys in another order: equality is on canonical JSON.
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    const { execution, results } = await record(store, [reordered], PAYER, 'tx-retry');

    expect(results).toEqual([{ claimId: a.claimId, revision: 1, outcome: 'unchanged', txId: 'tx-original' }]);
    expect(execution.writes).toEqual([]);
    expect(execution.event).toBeNull();
  });

  it('reports a different record for a recorded key as a conflict and keeps the original', async () => {
    const store = new MemoryWorldState();
    const a = rec();
    await record(store, [a], PAYER, 'tx-original');
    const changed = {
      ...a,
      totals: { ...a.totals, approved: a.totals.approved - 1, coPayment: a.totals.coPayment + 1 },
    };
    const fresh = rec();
    const { execution, results } = await record(store, [changed, fresh], PAYER, 'tx-second');

    expect(results.map((r) => [r.outcome, r.txId])).toEqual([
      ['conflict', 'tx-original'],
      ['recorded', 'tx-second'],
    ]);
    expect(execution.writes).toHaveLength(1);
    expect((await history(store, a.claimId))[0].totals.approved).toBe(a.totals.approved);
  });

  it('handles duplicates inside one batch although reads do not see the batch own writes', async () => {
    const store = new MemoryWorldState();
    const a = rec();
    const b = rec();
    const bChanged = { ...b, decidedBy: 'reviewer-9' };
    const { execution, results } = await record(store, [a, a, b, bChanged], PAYER, 'tx-batch');

    expect(results.map((r) => `${r.outcome}:${r.txId}`)).toEqual([
      'recorded:tx-batch',
      'unchanged:tx-batch',
      'recorded:tx-batch',
      'conflict:tx-batch',
    ]);
    expect(execution.writes).toHaveLength(2);
    expect((await history(store, b.claimId))[0].decidedBy).toBe('rules-engine');
  });

  it.each([
    ['provider', 'FORBIDDEN: only a payer organization may record decisions'],
    ['funder', 'FORBIDDEN'],
    ['operator', 'FORBIDDEN'],
  ] as const)('refuses a %s caller', async (kind, message) => {
    const store = new MemoryWorldState();
    await expect(record(store, [rec()], { ...PAYER, kind })).rejects.toThrow(message);
    expect(store.snapshot()).toEqual([]);
  });

  it("refuses a payer recording another payer's decision", async () => {
    const store = new MemoryWorldState();
    await expect(record(store, [rec(), rec({ payerId: 'payer-2' })])).rejects.toThrow(
      'PAYER_MISMATCH records[1].payerId',
    );
    expect(store.snapshot()).toEqual([]);
  });
});
