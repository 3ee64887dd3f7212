import type {
  ChaincodeStub,
  Iterators,
  SerializedIdentity,
  SplitCompositekey,
  Timestamp,
} from 'fabric-shim-api';
import { compareKeys, type MemoryWorldState, type StateEntry, type StateWrite } from './world-state';

// Fabric's composite-key encoding: a U+0000 namespace marker, then every part followed by U+0000.
const SEPARATOR = '\u0000';
const MAX_UNICODE_RUNE = '\u{10ffff}';

/** The invocation a stub serves: what a peer takes from the signed proposal. */
export interface StubInvocation {
  txId: string;
  channelId: string;
  chaincode: string;
  fn: string;
  args: readonly string[];
  /** ISO 8601 instant. */
  timestamp: string;
  creator: SerializedIdentity;
}

/** An event a transaction set; Fabric keeps only the last one. */
export interface StubEvent {
  name: string;
  payload: Buffer;
}

/** The part of ChaincodeStub the contract calls. */
type StubApi = Pick<
  ChaincodeStub,
  | 'getArgs'
  | 'getStringArgs'
  | 'getFunctionAndParameters'
  | 'getTxID'
  | 'getChannelID'
  | 'getCreator'
  | 'getTxTimestamp'
  | 'getDateTimestamp'
  | 'getState'
  | 'putState'
  | 'deleteState'
  | 'setStateValidationParameter'
  | 'getStateValidationParameter'
  | 'getStateByRange'
  | 'getStateByPartialCompositeKey'
  | 'setEvent'
  | 'createCompositeKey'
  | 'splitCompositeKey'
>;

/**
 * An in-memory ChaincodeStub with a peer's semantics: reads see committed state only, writes are
 * buffered into a write set (not visible to the transaction's own reads), key-level endorsement
 * policies are buffered apart, and only the last event set survives.
 */
export class MemoryStub implements StubApi {
  private readonly writes = new Map<string, Uint8Array | null>();
  private readonly validationParameters = new Map<string, Uint8Array>();
  private event: StubEvent | null = null;

  constructor(
    private readonly state: MemoryWorldState,
    private readonly invocation: StubInvocation,
  ) {}

  getArgs(): string[] {
    return [this.invocation.fn, ...this.invocation.args];
  }
  getStringArgs(): string[] {
    return this.getArgs();
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.invocation.fn, params: [...this.invocation.args] };
  }
  getTxID(): string {
    return this.invocation.txId;
  }
  getChannelID(): string {
    return this.invocation.channelId;
  }
  getCreator(): SerializedIdentity {
    return this.invocation.creator;
  }
  getTxTimestamp(): Timestamp {
    const millis = Date.parse(this.invocation.timestamp);
    return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 } as unknown as Timestamp;
  }
  getDateTimestamp(): Date {
    return new Date(Date.parse(this.invocation.timestamp));
  }

  async getState(key: string): Promise<Uint8Array> {
    // A peer returns empty bytes, not null, for a missing key.
    return (await this.state.get(checkKey(key))) ?? Buffer.alloc(0);
  }
  async putState(key: string, value: Uint8Array): Promise<void> {
    if (!(value instanceof Uint8Array)) throw new Error('putState value must be bytes');
    this.writes.set(checkKey(key), Buffer.from(value));
  }
  async deleteState(key: string): Promise<void> {
    this.writes.set(checkKey(key), null);
  }
  async setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    if (!(ep instanceof Uint8Array)) throw new Error('validation parameter must be bytes');
    this.validationParameters.set(checkKey(key), Buffer.from(ep));
  }
  /** No key carries a committed policy here: the specs look at the policies a transaction sets. */
  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    checkKey(key);
    return Buffer.alloc(0);
  }

  getStateByRange(
    startKey: string,
    endKey: string,
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    // A peer refuses composite keys in plain range queries; they need the partial-key form.
    if (startKey.startsWith(SEPARATOR) || endKey.startsWith(SEPARATOR)) {
      throw new Error('getStateByRange does not accept composite keys; use getStateByPartialCompositeKey');
    }
    return this.scan(startKey, endKey || MAX_UNICODE_RUNE);
  }
  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return this.scan(prefix, prefix + MAX_UNICODE_RUNE);
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name.length === 0)
      throw new Error('event name must be a non-empty string');
    this.event = { name, payload: Buffer.from(payload) };
  }
  createCompositeKey(objectType: string, attributes: string[]): string {
    return [objectType, ...attributes].reduce((key, part) => key + checkPart(part) + SEPARATOR, SEPARATOR);
  }
  splitCompositeKey(compositeKey: string): SplitCompositekey {
    const [objectType, ...attributes] = compositeKey.substring(1).split(SEPARATOR).slice(0, -1);
    return { objectType, attributes };
  }

  /** The buffered write set in key byte order. */
  writeSet(): StateWrite[] {
    return [...this.writes.keys()]
      .sort(compareKeys)
      .map((key) => ({ key, value: this.writes.get(key) ?? null }));
  }
  /** The event this transaction set, if any. */
  emittedEvent(): StubEvent | null {
    return this.event;
  }

  private scan(
    start: string,
    end: string,
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const iterator = new MemoryIterator(this.state.range(start, end), this.invocation.chaincode);
    return Object.assign(Promise.resolve(iterator), {
      async *[Symbol.asyncIterator](): AsyncGenerator<Iterators.KV> {
        try {
          for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
        } finally {
          await iterator.close();
        }
      },
    });
  }
}

/** A peer's StateQueryIterator over a snapshot of a range: next() until done, then close(). */
class MemoryIterator implements Iterators.StateQueryIterator {
  private index = 0;
  private closed = false;

  constructor(
    private readonly entries: StateEntry[],
    private readonly namespace: string,
  ) {}

  async next(): Promise<Iterators.NextResult<Iterators.KV>> {
    if (this.closed) throw new Error('the iterator is closed');
    const entry = this.entries[this.index++];
    if (!entry) return { done: true, value: undefined as unknown as Iterators.KV };
    return { done: false, value: { namespace: this.namespace, key: entry.key, value: entry.value } };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new Error('key must be a non-empty string');
  return key;
}

function checkPart(part: unknown): string {
  if (typeof part !== 'string' || part.length === 0)
    throw new Error('composite key parts must be non-empty strings');
  if (part.includes(SEPARATOR) || part.includes(MAX_UNICODE_RUNE))
    throw new Error('composite key parts must not hold U+0000 or U+10FFFF');
  return part;
}
