import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type Transaction, Transactions } from '../../platform/transactions';

/** A transaction on PostgreSQL: the entity manager TypeORM runs it on. */
class EntityManagerTransaction {
  constructor(readonly em: EntityManager) {}
}

/**
 * The entity manager to run a statement on: the transaction's, or the data source's own (one
 * statement, its own transaction) when the caller holds none.
 */
export function managerOf(db: DataSource, tx?: Transaction): EntityManager {
  if (tx === undefined) return db.manager;
  if (tx instanceof EntityManagerTransaction) return tx.em;
  throw new Error('a transaction of another store was passed to a PostgreSQL repository');
}

/** Wraps an entity manager the caller already holds, for code that has not moved to repositories. */
export const transactionOn = (em: EntityManager): Transaction =>
  new EntityManagerTransaction(em) as unknown as Transaction;

/** Transactions on PostgreSQL (READ COMMITTED, as TypeORM starts them). */
@Injectable()
export class TypeOrmTransactions extends Transactions {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction((em) => work(transactionOn(em)));
  }
}
