import type { Iterators } from 'fabric-shim-api';
import type { StateEntry } from './state-store';

/** Fabric's StateQueryIterator over a store's range scan: next() until done, then close(). */
export class StateQueryIterator implements Iterators.StateQueryIterator {
  private closed = false;

  constructor(
    private readonly entries: AsyncIterator<StateEntry>,
    private readonly namespace: string,
  ) {}

  async next(): Promise<Iterators.NextResult<Iterators.KV>> {
    if (this.closed) throw new Error('the iterator is closed');
    const r = await this.entries.next();
    if (r.done) return { done: true, value: undefined as unknown as Iterators.KV };
    return { done: false, value: { namespace: this.namespace, key: r.value.key, value: r.value.value } };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.entries.return?.();
  }
}

/**
 * Fabric's shims return a promise of an iterator that is also async-iterable (for await … of),
 * closing the iterator when the loop ends.
 */
export function iterablePromise(
  iterator: Promise<StateQueryIterator>,
): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
  return Object.assign(iterator, {
    async *[Symbol.asyncIterator](): AsyncGenerator<Iterators.KV> {
      const it = await iterator;
      try {
        for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
      } finally {
        await it.close();
      }
    },
  });
}
