/** One world-state entry. */
export interface StateEntry {
  key: string;
  value: Uint8Array;
}

/** One entry of a transaction's write set; a null value deletes the key. */
export interface StateWrite {
  key: string;
  value: Uint8Array | null;
}

/** Orders keys by their UTF-8 bytes, as Fabric's state databases do (JavaScript's string order differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Committed world state in a Map: what a peer's state database holds, for the contract's specs. */
export class MemoryWorldState {
  private readonly entries = new Map<string, Uint8Array>();

  /** The committed value of `key`, or null. */
  async get(key: string): Promise<Uint8Array | null> {
    const value = this.entries.get(key);
    return value ? Uint8Array.from(value) : null;
  }

  /** Committed entries with startKey <= key < endKey, in key byte order. */
  range(startKey: string, endKey: string): StateEntry[] {
    return this.snapshot().filter((e) => compareKeys(e.key, startKey) >= 0 && compareKeys(e.key, endKey) < 0);
  }

  /** Commits a write set. */
  apply(writes: readonly StateWrite[]): void {
    for (const w of writes) {
      if (w.value === null) this.entries.delete(w.key);
      else this.entries.set(w.key, Uint8Array.from(w.value));
    }
  }

  /** Every entry in key byte order, for comparing states. */
  snapshot(): StateEntry[] {
    return [...this.entries.keys()]
      .sort(compareKeys)
      .map((key) => ({ key, value: Uint8Array.from(this.entries.get(key)!) }));
  }
}
