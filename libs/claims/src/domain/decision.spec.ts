import { approvedUnits, isApproval, type LineDecision } from './decision';

const line = (lineNo: number, serviceCode: string, approvedQuantity: number): LineDecision => ({
  lineNo,
  serviceCode,
  category: 'outpatient',
  claimed: 1000,
  eligible: approvedQuantity > 0 ? 1000 : 0,
  coPayment: 0,
  deductible: 0,
  approved: approvedQuantity > 0 ? 1000 : 0,
  approvedQuantity,
  status: approvedQuantity > 0 ? 'approved' : 'rejected',
  reasonCodes: [],
});

describe('what a decision approves', () => {
  it('counts approved and partially approved decisions only', () => {
    expect(
      (['approved', 'partially_approved', 'rejected', 'pended'] as const).map((status) =>
        isApproval({ status }),
      ),
    ).toEqual([true, true, false, false]);
  });

  it('lists the approved units in line order and leaves out lines with none', () => {
    const lines = [line(1, 'CONS-GP', 1), line(2, 'IMG-XRAY-CH', 0), line(3, 'DRUG-ORS', 12)];
    expect(approvedUnits({ lines })).toEqual([
      { serviceCode: 'CONS-GP', quantity: 1 },
      { serviceCode: 'DRUG-ORS', quantity: 12 },
    ]);
  });
});
