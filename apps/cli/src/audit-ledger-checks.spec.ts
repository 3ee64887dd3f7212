import type { StoredAllocationRecord, StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/ledger';
import { decisionRecord } from '@claimtrail/ledger/testing/decision-fixtures';
import { paymentFor } from '@claimtrail/ledger/testing/fund-fixtures';
import { checkClaimRecords } from './audit-ledger-checks';

const FUND = 'fund-1';
const stored = { txId: 'tx-1', recordedAt: '2025-11-22T09:00:01.000Z', recordedBy: 'PayerMSP' };

function records() {
  const decision: StoredDecisionRecord = { ...decisionRecord(), docType: 'claimDecision', ...stored };
  const payment: StoredPaymentRecord = { ...paymentFor(decision, FUND), docType: 'claimPayment', ...stored };
  const allocation: StoredAllocationRecord = {
    docType: 'fundAllocation',
    fundId: FUND,
    claimId: decision.claimId,
    revision: 1,
    payerId: decision.payerId,
    providerId: decision.providerId,
    planId: payment.planId,
    currency: 'KES',
    serviceDate: payment.serviceDate,
    amount: 270_000,
    categories: [
      { category: 'outpatient', amount: 135_000 },
      { category: 'laboratory', amount: 135_000 },
    ],
    ...stored,
  };
  return { decision, payment, allocation };
}

describe('checkClaimRecords', () => {
  it('passes records the chaincode wrote together', () => {
    const { decision, payment, allocation } = records();
    expect(checkClaimRecords(allocation, payment, [decision])).toEqual([]);
  });

  it('names a payment above what the paid decision approved, in total and per category', () => {
    const { decision, payment, allocation } = records();
    const lowered = {
      ...decision,
      totals: { ...decision.totals, approved: 100_000 },
      lines: decision.lines.map((l) => ({ ...l, approved: l.category === 'laboratory' ? 1 : l.approved })),
    };
    expect(checkClaimRecords(allocation, payment, [lowered])).toEqual([
      'paid 270000, the decision approved 100000',
      'allocated 135000 in laboratory, the decision approved 1',
    ]);
  });

  it('names an allocation record that is not what the payment allocated to the fund', () => {
    const { decision, payment, allocation } = records();
    const raised = {
      ...allocation,
      amount: 270_500,
      categories: [
        { category: 'outpatient', amount: 135_500 },
        { category: 'laboratory', amount: 135_000 },
      ],
    };
    expect(checkClaimRecords(raised, payment, [decision])).toEqual([
      'allocation record holds 135500 in outpatient, the payment allocated 135000 to the fund',
    ]);
    expect(checkClaimRecords({ ...allocation, amount: 1 }, payment, [decision])).toEqual([
      'allocation amount 1 is not the sum of its categories 270000',
    ]);
  });

  it('names a missing payment, a missing or unpayable paid decision and another revision', () => {
    const { decision, payment, allocation } = records();
    expect(checkClaimRecords(allocation, null, [decision])).toEqual([
      'the ledger holds an allocation to the fund but no payment of the claim',
    ]);
    expect(checkClaimRecords(allocation, payment, [])).toEqual([
      'the ledger holds no decision revision 1, which was paid',
    ]);
    expect(checkClaimRecords(allocation, payment, [{ ...decision, status: 'pended' }])).toEqual([
      'the paid decision revision 1 is pended',
    ]);
    expect(checkClaimRecords({ ...allocation, revision: 2 }, payment, [decision])).toEqual([
      'allocation names revision 2, the payment revision 1',
    ]);
  });
});
