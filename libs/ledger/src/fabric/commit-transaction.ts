import type { Contract } from '@hyperledger/fabric-gateway';
import type { BackoffOptions } from 'exponential-backoff';
import { asLedgerError, commitFailure } from './fabric-errors';

/** What a submitted transaction committed as. */
export interface Committed {
  txId: string;
  blockNumber: number;
  result: string;
}

/** Backoff between attempts at a transaction that failed transiently; `retry` says which failures. */
export const RETRY_BACKOFF: Omit<BackoffOptions, 'numOfAttempts' | 'retry'> = {
  startingDelay: 200,
  timeMultiple: 3,
  jitter: 'full',
};

/**
 * Endorses, orders and waits for the commit of one transaction, once: a Gateway failure is a
 * LedgerError (asLedgerError), a transaction the peers marked invalid is one too (commitFailure).
 */
export async function commitTransaction(
  contract: Contract,
  fn: string,
  arg: string | string[],
): Promise<Committed> {
  let submitted;
  try {
    submitted = await contract.submitAsync(fn, { arguments: Array.isArray(arg) ? arg : [arg] });
  } catch (err) {
    throw asLedgerError(err, fn);
  }
  const status = await submitted.getStatus();
  if (!status.successful) throw commitFailure(fn, status.transactionId, status.code);
  return {
    txId: status.transactionId,
    blockNumber: Number(status.blockNumber),
    result: Buffer.from(submitted.getResult()).toString('utf8'),
  };
}
