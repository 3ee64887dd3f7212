import type { Iterators } from 'fabric-shim-api';
import { EmbeddedStub, type StubInvocation } from './embedded-stub';
import { MemoryStateStore } from './memory-state-store';
import type { StateStore } from './state-store';

const INVOCATION: StubInvocation = {
  txId: 'tx-1',
  channelId: 'claimtrail',
  chaincode: 'claimtrail',
  fn: 'RecordDecisions',
  args: ['[]'],
  timestamp: '2025-11-21T08:30:00.123Z',
  creator: { mspid: 'Payer1MSP', idBytes: Buffer.from('pem') },
};
const bytes = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function storeWith(entries: Record<string, string>): MemoryStateStore {
  const store = new MemoryStateStore();
  store.apply(Object.entries(entries).map(([key, value]) => ({ key, value: bytes(value) })));
  return store;
}

describe('EmbeddedStub', () => {
  it('builds and splits composite keys in Fabric format', () => {
    const stub = new EmbeddedStub(new MemoryStateStore(), INVOCATION);
    const key = stub.createCompositeKey('claim', ['c-1', '0000000002']);
    expect(key).toBe('\u0000claim\u0000c-1\u00000000000002\u0000');
    expect(stub.splitCompositeKey(key)).toEqual({ objectType: 'claim', attributes: ['c-1', '0000000002'] });
    expect(() => stub.createCompositeKey('claim', ['a\u0000b'])).toThrow('U+0000');
    expect(() => stub.createCompositeKey('', [])).toThrow('objectType must be a non-empty string');
  });

  it('buffers writes: a transaction does not read its own writes, and the write set is sorted by key', async () => {
    const stub = new EmbeddedStub(storeWith({ b: 'old' }), INVOCATION);
    await stub.putState('b', bytes('new'));
    await stub.putState('a', bytes('fresh'));
    await stub.deleteState('c');
    expect(text(await stub.getState('b'))).toBe('old');
    expect(await stub.getState('a')).toHaveLength(0);
    expect(stub.writeSet().map((w) => [w.key, w.value && text(w.value)])).toEqual([
      ['a', 'fresh'],
      ['b', 'new'],
      ['c', null],
    ]);
  });

  it('scans a partial composite key in key byte order, excluding longer ids and pending writes', async () => {
    const store = storeWith({
      '\u0000claim\u0000c-1\u00000000000010\u0000': 'r10',
      '\u0000claim\u0000c-1\u00000000000002\u0000': 'r2',
      '\u0000claim\u0000c-10\u00000000000001\u0000': 'other',
      '\u0000fund\u0000c-1\u0000': 'fund',
    });
    const stub = new EmbeddedStub(store, INVOCATION);
    await stub.putState('\u0000claim\u0000c-1\u00000000000003\u0000', bytes('pending'));
    const seen: string[] = [];
    for await (const kv of stub.getStateByPartialCompositeKey('claim', ['c-1'])) seen.push(text(kv.value));
    expect(seen).toEqual(['r2', 'r10']);
  });

  it('offers the next()/close() iterator protocol of Fabric shims', async () => {
    const stub = new EmbeddedStub(storeWith({ '\u0000claim\u0000x\u00001\u0000': 'one' }), INVOCATION);
    const iterator: Iterators.StateQueryIterator = await stub.getStateByPartialCompositeKey('claim', ['x']);
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value.key).toBe('\u0000claim\u0000x\u00001\u0000');
    expect((await iterator.next()).done).toBe(true);
    await iterator.close();
    await expect(iterator.next()).rejects.toThrow('closed');
  });

  it('keeps only the last event, as Fabric does, and exposes the transaction header', () => {
    const stub = new EmbeddedStub(new MemoryStateStore(), INVOCATION);
    stub.setEvent('First', bytes('1'));
    stub.setEvent('ClaimDecided', bytes('2'));
    expect(stub.emittedEvent()).toEqual({ name: 'ClaimDecided', payload: bytes('2') });
    expect(() => stub.setEvent('', bytes('x'))).toThrow('event name');
    expect(stub.getTxID()).toBe('tx-1');
    expect(stub.getFunctionAndParameters()).toEqual({ fcn: 'RecordDecisions', params: ['[]'] });
    expect(stub.getTxTimestamp()).toEqual({ seconds: 1763713800, nanos: 123_000_000 });
    expect(stub.getDateTimestamp().toISOString()).toBe('2025-11-21T08:30:00.123Z');
  });

  it('buffers key-level endorsement policies apart from the write set, the last one per key winning', async () => {
    const stub = new EmbeddedStub(storeWith({ fund: 'f' }), INVOCATION);
    await stub.putState('fund', bytes('f2'));
    await stub.setStateValidationParameter('fund', bytes('policy-1'));
    await stub.setStateValidationParameter('alloc', bytes('policy-a'));
    await stub.setStateValidationParameter('fund', bytes('policy-2'));
    expect(stub.validationParameterWrites().map((w) => [w.key, text(w.policy)])).toEqual([
      ['alloc', 'policy-a'],
      ['fund', 'policy-2'],
    ]);
    // The value write set holds values only.
    expect(stub.writeSet().map((w) => w.key)).toEqual(['fund']);
    await expect(stub.setStateValidationParameter('', bytes('p'))).rejects.toThrow('non-empty');
    await expect(stub.setStateValidationParameter('k', 'p' as unknown as Uint8Array)).rejects.toThrow(
      'must be bytes',
    );
  });

  it("reads a key's committed policy, not one this transaction set, and empty bytes when there is none", async () => {
    const plain = new EmbeddedStub(storeWith({ fund: 'f' }), INVOCATION);
    await plain.setStateValidationParameter('fund', bytes('pending'));
    expect(await plain.getStateValidationParameter('fund')).toHaveLength(0);

    const committed = new Map([['fund', bytes('committed')]]);
    const store: StateStore = Object.assign(storeWith({ fund: 'f' }), {
      validationParameter: async (key: string) => committed.get(key) ?? null,
    });
    const stub = new EmbeddedStub(store, INVOCATION);
    await stub.setStateValidationParameter('fund', bytes('pending'));
    expect(text(await stub.getStateValidationParameter('fund'))).toBe('committed');
    expect(await stub.getStateValidationParameter('other')).toHaveLength(0);
  });
});
