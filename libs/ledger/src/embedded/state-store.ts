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

/**
 * Committed world state as chaincode reads it. Keys order by their UTF-8 bytes, as in Fabric's
 * state databases, so composite-key range scans come back in the same order on every store.
 */
export interface StateStore {
  /** The committed value of `key`, or null. */
  get(key: string): Promise<Uint8Array | null>;
  /** Committed entries with startKey <= key < endKey, in key byte order. */
  range(startKey: string, endKey: string): AsyncIterable<StateEntry>;
  /**
   * The committed key-level endorsement policy of `key`, or null. Optional: a store that keeps no
   * validation parameters holds none.
   */
  validationParameter?(key: string): Promise<Uint8Array | null>;
}

/** Orders keys by their UTF-8 bytes (JavaScript's own string order differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
