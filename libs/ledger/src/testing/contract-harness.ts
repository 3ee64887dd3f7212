import type { TransactionCreator } from '../chain/transaction';
import { executeTransaction, type Execution } from '../embedded/contract-runner';
import type { MemoryStateStore } from '../embedded/memory-state-store';

let txCounter = 0;

/** Serialises one transaction argument the way a client sends it. */
export const txArg = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Runs one contract transaction against an in-memory world state and commits its writes. */
export async function invokeContract(
  store: MemoryStateStore,
  fn: string,
  args: string[],
  creator: TransactionCreator,
  opts: { txId?: string; timestamp: string },
): Promise<Execution> {
  const execution = await executeTransaction(store, {
    txId: opts.txId ?? `tx-${++txCounter}`,
    channel: 'claimtrail',
    chaincode: 'claimtrail',
    fn,
    args,
    timestamp: opts.timestamp,
    creator,
  });
  store.apply(execution.writes);
  return execution;
}
