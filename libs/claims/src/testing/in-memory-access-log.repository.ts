import { type AccessLogFilter, AccessLogRepository, type ChainHead } from '../access/access-log.repository';
import type { ChainedEntry } from '../domain/access-log-chain';
import type { Transaction } from '../platform/transactions';

/** The access log in memory, for the use cases' specs. */
export class InMemoryAccessLogRepository extends AccessLogRepository {
  readonly rows: ChainedEntry[] = [];
  /** What the writers did, in order (`lock`, `head`, `insert 1..3`), for specs that check the chain's ordering. */
  readonly journal: string[] = [];
  /**
   * Decides whether an insert of these rows fails (return the error to throw), like PostgreSQL
   * refusing a row (SQLSTATE 22/23) or being down.
   */
  failInsert: (rows: readonly ChainedEntry[]) => Error | undefined = () => undefined;

  lockChain(_tx: Transaction): Promise<void> {
    this.journal.push('lock');
    return Promise.resolve();
  }

  head(_tx?: Transaction): Promise<ChainHead | null> {
    this.journal.push('head');
    const last = this.rows[this.rows.length - 1];
    return Promise.resolve(last ? { seq: last.seq, hash: last.hash } : null);
  }

  insertChained(_tx: Transaction, rows: readonly ChainedEntry[]): Promise<void> {
    const failure = this.failInsert(rows);
    if (failure) return Promise.reject(failure);
    const next = (this.rows[this.rows.length - 1]?.seq ?? 0) + 1;
    if (rows.length > 0 && rows[0].seq !== next) {
      return Promise.reject(new Error(`row ${rows[0].seq} inserted where ${next} was expected`));
    }
    this.journal.push(rows.length > 0 ? `insert ${rows[0].seq}..${rows[rows.length - 1].seq}` : 'insert');
    this.rows.push(...rows.map((r) => ({ ...r })));
    return Promise.resolve();
  }

  rowsAfter(afterSeq: number, limit: number): Promise<ChainedEntry[]> {
    return Promise.resolve(
      this.rows
        .filter((r) => r.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
        .map((r) => ({ ...r })),
    );
  }

  hashesAt(seqs: readonly number[]): Promise<Map<number, string>> {
    const wanted = new Set(seqs);
    return Promise.resolve(new Map(this.rows.filter((r) => wanted.has(r.seq)).map((r) => [r.seq, r.hash])));
  }

  search(filter: AccessLogFilter): Promise<ChainedEntry[]> {
    return Promise.resolve(
      this.rows
        .filter(
          (r) =>
            (filter.subjectId === undefined || r.subjectIds.includes(filter.subjectId)) &&
            (filter.organizationId === undefined || r.organizationId === filter.organizationId) &&
            (filter.before === undefined || r.seq < filter.before),
        )
        .sort((a, b) => b.seq - a.seq)
        .slice(0, filter.limit)
        .map((r) => ({ ...r })),
    );
  }
}
