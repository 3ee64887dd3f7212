import { type Transaction, Transactions } from '../platform/transactions';

/**
 * Transactions for use cases run against in-memory repositories: the work runs at once, on one
 * thread, so nothing interleaves with it. Nothing is rolled back when the work throws; a spec that
 * needs rollback tests it against PostgreSQL.
 */
export class InMemoryTransactions extends Transactions {
  /** How many transactions ran, for specs that check a use case opens exactly one. */
  count = 0;

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.count += 1;
    return work({} as Transaction);
  }
}
