import { LedgerError, type LedgerPort, type StoredDecisionRecord } from '@claimtrail/ledger';
import { decisionRecord } from '@claimtrail/ledger/testing/decision-fixtures';
import { AppErrorCode, RetryLaterError } from '../common/app.errors';
import { ledgerDecision } from './ledger-decision-read';

const stored = (revision: number): StoredDecisionRecord => ({
  ...decisionRecord({ claimId: 'c1', revision }),
  docType: 'claimDecision',
  txId: `tx-${revision}`,
  recordedAt: '2026-03-14T10:00:00.000Z',
  recordedBy: 'PayerMSP',
});

/** A ledger whose only answer is `history` (or the error it throws). */
const ledgerAnswering = (history: StoredDecisionRecord[] | Error) =>
  ({
    getClaimHistory: () => (history instanceof Error ? Promise.reject(history) : Promise.resolve(history)),
  }) as unknown as LedgerPort;

describe('ledgerDecision', () => {
  it('finds the revision being paid in the claim history', async () => {
    await expect(ledgerDecision(ledgerAnswering([stored(1), stored(2)]), 'c1', 2)).resolves.toMatchObject({
      revision: 2,
      txId: 'tx-2',
    });
  });

  it('refuses a revision not recorded yet, asking for a retry later', async () => {
    const refusal = ledgerDecision(ledgerAnswering([stored(1)]), 'c1', 2);
    await expect(refusal).rejects.toBeInstanceOf(RetryLaterError);
    await expect(refusal).rejects.toMatchObject({
      code: AppErrorCode.DecisionNotOnLedger,
      retryAfterSeconds: 2,
      details: [{ field: 'claimId', rule: 'must have decision revision 2 recorded on the ledger' }],
    });
  });

  it('refuses with ledger_integrity when the ledger cannot vouch for its store', async () => {
    const broken = new LedgerError('INTEGRITY_VIOLATION', 'state row differs from its write set');
    await expect(ledgerDecision(ledgerAnswering(broken), 'c1', 1)).rejects.toMatchObject({
      code: AppErrorCode.LedgerIntegrity,
    });
  });

  it('lets any other ledger failure through, for the HTTP mapping to answer', async () => {
    const down = new LedgerError('UNAVAILABLE', 'peer unreachable');
    await expect(ledgerDecision(ledgerAnswering(down), 'c1', 1)).rejects.toBe(down);
  });
});
