import type {
  ChaincodeStub,
  Iterators,
  SerializedIdentity,
  SplitCompositekey,
  Timestamp,
} from 'fabric-shim-api';
import { createCompositeKey, MAX_UNICODE_RUNE, splitCompositeKey } from '../chain/composite-key';
import { iterablePromise, StateQueryIterator } from './state-query-iterator';
import { compareKeys, type StateStore, type StateWrite } from './state-store';

/** The invocation a stub serves: what a Fabric peer takes from the signed proposal. */
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

/** The part of ChaincodeStub the embedded ledger provides. */
export type EmbeddedStubApi = Pick<
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

/** An event a transaction set; Fabric keeps only the last one. */
export interface StubEvent {
  name: string;
  payload: Buffer;
}

/** A key-level endorsement policy a transaction set on a key (Fabric's VALIDATION_PARAMETER metadata). */
export interface ValidationParameterWrite {
  key: string;
  /** Serialized SignaturePolicyEnvelope. */
  policy: Uint8Array;
}

/**
 * A ChaincodeStub with Fabric's semantics over a StateStore: reads see committed state only,
 * writes are buffered into a write set (not visible to this transaction's own reads), and only
 * the last event set survives. Key-level endorsement policies (validation parameters) are
 * buffered apart from the write set: the embedded ledger has no endorsement to enforce them with,
 * and they are metadata of a key, not its value.
 */
export class EmbeddedStub implements EmbeddedStubApi {
  private readonly writes = new Map<string, Uint8Array | null>();
  private readonly validationParameters = new Map<string, Uint8Array>();
  private event: StubEvent | null = null;

  constructor(
    private readonly store: StateStore,
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
    // Fabric returns empty bytes, not null, for a missing key.
    return (await this.store.get(checkKey(key))) ?? Buffer.alloc(0);
  }
  async putState(key: string, value: Uint8Array): Promise<void> {
    if (!(value instanceof Uint8Array)) throw new Error('putState value must be bytes');
    this.writes.set(checkKey(key), Buffer.from(value));
  }
  async deleteState(key: string): Promise<void> {
    this.writes.set(checkKey(key), null);
  }

  /** Sets `key`'s key-level endorsement policy; like Fabric, the last one set in a transaction wins. */
  async setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    if (!(ep instanceof Uint8Array)) throw new Error('validation parameter must be bytes');
    this.validationParameters.set(checkKey(key), Buffer.from(ep));
  }
  /**
   * The committed key-level endorsement policy of `key`, empty when it has none (Fabric's shim
   * hands back undefined then). As with getState, a policy this transaction set is not seen.
   */
  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    const stored = await this.store.validationParameter?.(checkKey(key));
    return stored ?? Buffer.alloc(0);
  }

  getStateByRange(
    startKey: string,
    endKey: string,
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    // Fabric refuses composite keys in plain range queries; they need the partial-key form.
    if (startKey.startsWith('\u0000') || endKey.startsWith('\u0000')) {
      throw new Error('getStateByRange does not accept composite keys; use getStateByPartialCompositeKey');
    }
    return this.scan(startKey, endKey || MAX_UNICODE_RUNE);
  }
  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const prefix = createCompositeKey(objectType, attributes);
    return this.scan(prefix, prefix + MAX_UNICODE_RUNE);
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name.length === 0)
      throw new Error('event name must be a non-empty string');
    this.event = { name, payload: Buffer.from(payload) };
  }
  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }
  splitCompositeKey(compositeKey: string): SplitCompositekey {
    return splitCompositeKey(compositeKey);
  }

  /** The buffered write set in key byte order, so applying it is deterministic. */
  writeSet(): StateWrite[] {
    return [...this.writes.keys()]
      .sort(compareKeys)
      .map((key) => ({ key, value: this.writes.get(key) ?? null }));
  }
  /**
   * The key-level endorsement policies this transaction set, in key byte order. On Fabric they
   * are the metadata writes of the transaction's read-write set, committed with it.
   */
  validationParameterWrites(): ValidationParameterWrite[] {
    return [...this.validationParameters.keys()]
      .sort(compareKeys)
      .map((key) => ({ key, policy: this.validationParameters.get(key)! }));
  }
  /** The event this transaction set, if any. */
  emittedEvent(): StubEvent | null {
    return this.event;
  }

  private scan(
    start: string,
    end: string,
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const entries = this.store.range(start, end)[Symbol.asyncIterator]();
    return iterablePromise(Promise.resolve(new StateQueryIterator(entries, this.invocation.chaincode)));
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new Error('key must be a non-empty string');
  return key;
}
