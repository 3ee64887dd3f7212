import { DomainErrorCode } from './domain.error';
import { ReasonCode } from './reason-codes';
import { applyReviewInstruction } from './review-instruction';
import { decide } from './testing/adjudication-fixtures';

describe('applyReviewInstruction', () => {
  const rules = { coPayment: { percent: 10 }, review: { threshold: 0 } };
  const reviewed = () => decide(rules, {}, { reviewed: true });

  it('approve keeps what the rules decided', () => {
    expect(applyReviewInstruction(reviewed(), { action: 'approve' })).toEqual(reviewed());
  });

  it('REVIEWER_REJECTED: reject zeroes every line and the totals', () => {
    const d = applyReviewInstruction(reviewed(), { action: 'reject', note: 'not medically necessary' });
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([ReasonCode.ReviewerRejected]);
    expect(d.totals).toEqual({ claimed: 180000, eligible: 0, coPayment: 0, deductible: 0, approved: 0 });
    expect(
      d.lines.every((l) => l.status === 'rejected' && l.reasonCodes.includes(ReasonCode.ReviewerRejected)),
    ).toBe(true);
  });

  it('REVIEWER_ADJUSTED: adjust lowers a line; the member share stays, eligible follows', () => {
    const d = applyReviewInstruction(reviewed(), {
      action: 'adjust',
      lines: [{ lineNo: 1, approved: 100000 }],
    });
    expect(d.status).toBe('partially_approved');
    expect(d.lines[0]).toMatchObject({
      approved: 100000,
      coPayment: 15000,
      eligible: 115000,
      status: 'adjusted',
    });
    expect(d.lines[0].reasonCodes).toEqual([ReasonCode.CoPaymentApplied, ReasonCode.ReviewerAdjusted]);
    expect(d.totals).toMatchObject({ approved: 127000, eligible: 145000, coPayment: 18000 });
  });

  it('REVIEWER_ADJUSTED: lowering a line to 0 rejects it; keeping the amount changes nothing', () => {
    const d = applyReviewInstruction(reviewed(), {
      action: 'adjust',
      lines: [
        { lineNo: 1, approved: 135000 },
        { lineNo: 2, approved: 0 },
      ],
    });
    expect(d.lines[0]).toEqual(reviewed().lines[0]);
    expect(d.lines[1]).toMatchObject({ status: 'rejected', eligible: 0, coPayment: 0, approvedQuantity: 0 });
  });

  it('rejects the claim when the adjustment leaves nothing approved on any line', () => {
    // The annual limit leaves the second line nothing; the reviewer lowers the first to 0.
    const limited = decide(
      { ...rules, limits: { annual: 1000000 } },
      {},
      { reviewed: true, accumulators: { annualApproved: 865000, categoryApproved: {}, deductibleMet: 0 } },
    );
    expect(limited.status).toBe('partially_approved');
    expect(limited.lines[1]).toMatchObject({ status: 'adjusted', approved: 0 });
    const d = applyReviewInstruction(limited, { action: 'adjust', lines: [{ lineNo: 1, approved: 0 }] });
    expect(d.status).toBe('rejected');
    expect(d.totals.approved).toBe(0);
  });

  it.each([
    [[{ lineNo: 1, approved: 135001 }], 'lines.0.approved'],
    [[{ lineNo: 9, approved: 1 }], 'lines.0.lineNo'],
    [
      [
        { lineNo: 1, approved: 1 },
        { lineNo: 1, approved: 2 },
      ],
      'lines.1.lineNo',
    ],
    [[{ lineNo: 1, approved: 1.5 }], 'lines.0.approved'],
    [[], 'lines'],
  ])('refuses %j, naming %s', (lines, field) => {
    expect(() => applyReviewInstruction(reviewed(), { action: 'adjust', lines })).toThrow(
      expect.objectContaining({
        code: DomainErrorCode.InvalidReview,
        details: [expect.objectContaining({ field })],
      }),
    );
  });
});
