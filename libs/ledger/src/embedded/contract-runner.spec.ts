import type { TransactionCreator } from '../chain/transaction';
import { decisionRecord } from '../testing/decision-fixtures';
import { executeTransaction } from './contract-runner';
import { MemoryStateStore } from './memory-state-store';

const PAYER: TransactionCreator = { orgId: 'payer-1', kind: 'payer', mspId: 'payer-1', publicKeyPem: '' };

const transaction = (fn: string, args: string[], chaincode = 'claimtrail') => ({
  txId: 'tx-1',
  channel: 'claimtrail',
  chaincode,
  fn,
  args,
  timestamp: '2025-11-21T08:30:00.000Z',
  creator: PAYER,
});

describe('executeTransaction', () => {
  it('collects the write set and the event of a transaction without committing them', async () => {
    const store = new MemoryStateStore();
    const record = decisionRecord({ payerId: PAYER.orgId });
    const execution = await executeTransaction(
      store,
      transaction('RecordDecisions', [JSON.stringify([record])]),
    );
    expect(execution.writes).toHaveLength(1);
    expect(execution.event?.name).toBe('ClaimDecided');
    expect(store.snapshot()).toEqual([]);
  });

  it('refuses another chaincode, functions the contract does not have and wrong argument counts', async () => {
    const store = new MemoryStateStore();
    await expect(executeTransaction(store, transaction('GetClaim', ['x'], 'other'))).rejects.toThrow(
      'chaincode other is not installed',
    );
    await expect(executeTransaction(store, transaction('DeleteEverything', ['x']))).rejects.toThrow(
      'does not exist: DeleteEverything',
    );
    await expect(executeTransaction(store, transaction('GetClaim', []))).rejects.toThrow(
      'Expected 1 parameters, but 0 have been supplied',
    );
  });
});
