import { decisionRecord } from '@claimtrail/ledger/testing/decision-fixtures';
import { approvedByCategory, paymentDifferences } from './ledger-decision-check';
import type { DecisionFigures } from './reconciliation/compare-records';

const ledger = decisionRecord();
const same = (): DecisionFigures => JSON.parse(JSON.stringify(ledger)) as DecisionFigures;

describe('paymentDifferences', () => {
  it('finds nothing when PostgreSQL agrees with the ledger', () => {
    expect(paymentDifferences(same(), ledger)).toEqual([]);
  });

  it('names each differing field with the figure the ledger holds', () => {
    const raised = same();
    raised.totals.approved = 999_999;
    raised.lines[1].approved = 864_999;
    raised.lines[0].category = 'maternity';
    raised.ruleSetHash = 'f'.repeat(64);
    expect(paymentDifferences(raised, ledger)).toEqual([
      { field: 'decision.ruleSetHash', rule: `must equal the ledger's ${ledger.ruleSetHash}` },
      { field: 'decision.totals.approved', rule: "must equal the ledger's 270000" },
      { field: 'decision.lines.0.category', rule: "must equal the ledger's outpatient" },
      { field: 'decision.lines.1.approved', rule: "must equal the ledger's 135000" },
    ]);
  });

  it('refuses a ledger decision that is not payable, and a different payer, provider or currency', () => {
    const pended = { ...ledger, status: 'pended' as const };
    expect(paymentDifferences(same(), pended)).toEqual([
      { field: 'decision.status', rule: 'must be payable on the ledger, which records pended' },
    ]);
    const other = { ...same(), payerId: 'payer-2', providerId: 'p', currency: 'USD' };
    expect(paymentDifferences(other, ledger).map((d) => d.field)).toEqual([
      'decision.payerId',
      'decision.providerId',
      'decision.currency',
    ]);
  });

  it('compares the lines that both have and names a different number of lines', () => {
    const fewer = { ...same(), lines: same().lines.slice(0, 1) };
    expect(paymentDifferences(fewer, ledger)).toEqual([
      { field: 'decision.lines.length', rule: "must equal the ledger's 2" },
    ]);
  });
});

describe('approvedByCategory', () => {
  it('sums approved amounts per category and leaves out categories with nothing approved', () => {
    expect(
      approvedByCategory([
        { category: 'outpatient', approved: 100 },
        { category: 'pharmacy', approved: 0 },
        { category: 'outpatient', approved: 50 },
        { category: 'laboratory', approved: 7 },
      ]),
    ).toEqual([
      { category: 'outpatient', amount: 150 },
      { category: 'laboratory', amount: 7 },
    ]);
  });
});
