import { compareKeys, type StateEntry, type StateStore, type StateWrite } from './state-store';

/** World state in a Map, for chaincode unit tests and other in-process uses. */
export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | null> {
    const value = this.entries.get(key);
    return value ? Uint8Array.from(value) : null;
  }

  async *range(startKey: string, endKey: string): AsyncIterable<StateEntry> {
    // Sorting makes the scan independent of Map insertion order.
    const keys = [...this.entries.keys()]
      .filter((k) => compareKeys(k, startKey) >= 0 && compareKeys(k, endKey) < 0)
      .sort(compareKeys);
    for (const key of keys) {
      const value = this.entries.get(key);
      if (value) yield { key, value: Uint8Array.from(value) };
    }
  }

  /** Commits a write set. */
  apply(writes: readonly StateWrite[]): void {
    for (const w of writes) {
      if (w.value === null) this.entries.delete(w.key);
      else this.entries.set(w.key, Uint8Array.from(w.value));
    }
  }

  /** Every entry in key byte order, for comparing stores. */
  snapshot(): StateEntry[] {
    return [...this.entries.keys()].sort(compareKeys).map((key) => ({ key, value: this.entries.get(key)! }));
  }
}
