import type { ChainedEntry } from '../domain/access-log-chain';
import type { Transaction } from '../platform/transactions';

/** The newest row of the chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Which entries the operator asks for. */
export interface AccessLogFilter {
  /** Entries naming this subject (a claim's reads and list pages that returned it). */
  subjectId?: string;
  organizationId?: string;
  /** Entries before this sequence number. */
  before?: number;
  limit: number;
}

/** The access log: a hash chain of entries, numbered from 1. */
export abstract class AccessLogRepository {
  /**
   * Takes the chain's lock until the transaction ends: one chain per database, whose writers (in
   * every process) append in turn.
   */
  abstract lockChain(tx: Transaction): Promise<void>;
  /** The newest row; null while the log is empty. */
  abstract head(tx?: Transaction): Promise<ChainHead | null>;
  /** Stores chained rows, in one statement. */
  abstract insertChained(tx: Transaction, rows: readonly ChainedEntry[]): Promise<void>;
  /** Rows after `afterSeq`, oldest first, at most `limit`. */
  abstract rowsAfter(afterSeq: number, limit: number): Promise<ChainedEntry[]>;
  /** The stored hashes of these rows; rows that are gone are absent. */
  abstract hashesAt(seqs: readonly number[]): Promise<Map<number, string>>;
  /** Rows matching the filter, newest first. */
  abstract search(filter: AccessLogFilter): Promise<ChainedEntry[]>;
}
