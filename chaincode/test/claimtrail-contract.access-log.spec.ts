import type { AccessLogAnchorOutcome, StoredAccessLogAnchor } from '../src/records';
import { invokeContract, type TestCreator, txArg } from './support/contract-harness';
import { MemoryWorldState } from './support/world-state';

const OPERATOR: TestCreator = { orgId: 'op-1', kind: 'operator', mspId: 'op-1', publicKeyPem: '' };
const PAYER: TestCreator = { orgId: 'payer-1', kind: 'payer', mspId: 'payer-1', publicKeyPem: '' };
const TIMESTAMP = '2026-03-01T10:00:00.000Z';
const HASH = (c: string) => c.repeat(64);

const invoke = (store: MemoryWorldState, fn: string, arg: unknown, creator = OPERATOR) =>
  invokeContract(store, fn, [txArg(arg)], creator, { timestamp: TIMESTAMP });
const anchors = async (store: MemoryWorldState, after: number) =>
  JSON.parse((await invoke(store, 'GetAccessLogAnchors', { after })).result) as StoredAccessLogAnchor[];

describe('ClaimtrailContract access-log anchors', () => {
  it('records an anchor once, in sequence order, and emits AccessLogAnchored', async () => {
    const store = new MemoryWorldState();
    const first = await invoke(store, 'RecordAccessLogAnchor', { seq: 12, hash: HASH('b') });
    expect((JSON.parse(first.result) as AccessLogAnchorOutcome).outcome).toBe('recorded');
    expect(first.event?.name).toBe('AccessLogAnchored');
    await invoke(store, 'RecordAccessLogAnchor', { seq: 9, hash: HASH('a') });
    const again = await invoke(store, 'RecordAccessLogAnchor', { seq: 12, hash: HASH('b') });
    expect(JSON.parse(again.result)).toMatchObject({ seq: 12, outcome: 'unchanged' });
    expect((await anchors(store, 0)).map((a) => a.seq)).toEqual([9, 12]);
    expect(await anchors(store, 9)).toEqual([
      expect.objectContaining({
        seq: 12,
        hash: HASH('b'),
        docType: 'accessLogAnchor',
        recordedAt: TIMESTAMP,
      }),
    ]);
  });

  it('refuses another hash for an anchored sequence, a caller that is not the operator, and malformed anchors', async () => {
    const store = new MemoryWorldState();
    await invoke(store, 'RecordAccessLogAnchor', { seq: 1, hash: HASH('c') });
    await expect(invoke(store, 'RecordAccessLogAnchor', { seq: 1, hash: HASH('d') })).rejects.toThrow(
      /CONFLICT/,
    );
    await expect(invoke(store, 'RecordAccessLogAnchor', { seq: 2, hash: HASH('d') }, PAYER)).rejects.toThrow(
      /FORBIDDEN/,
    );
    for (const bad of [
      { seq: 0, hash: HASH('e') },
      { seq: 3, hash: 'x' },
      { seq: 3, hash: HASH('e'), name: 'n' },
    ])
      await expect(invoke(store, 'RecordAccessLogAnchor', bad)).rejects.toThrow(/INVALID_FIELD/);
  });
});
