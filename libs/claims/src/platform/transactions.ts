/**
 * A database transaction as the use cases see it: a handle to pass to repositories, nothing more.
 * Which database holds it, and how, is the repositories' business.
 */
export interface Transaction {
  readonly transactionBrand: unique symbol;
}

/** Runs work in one transaction: everything the work writes is kept, or nothing is. */
export abstract class Transactions {
  abstract run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}
