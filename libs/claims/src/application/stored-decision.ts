import type { Decision } from '../domain';
import type { ClaimDecisionEntity } from '../infra/entities';

/** A stored decision row, read back as the engine's Decision. */
export function storedDecision(d: ClaimDecisionEntity): Decision {
  return {
    status: d.status,
    currency: d.currency,
    lines: d.lines,
    totals: {
      claimed: d.totalClaimed,
      eligible: d.totalEligible,
      coPayment: d.totalCoPayment,
      deductible: d.totalDeductible,
      approved: d.totalApproved,
    },
    reasonCodes: d.reasonCodes as Decision['reasonCodes'],
    ruleSetHash: d.ruleSetHash,
    decidedAt: d.decidedAt.toISOString(),
    decidedBy: d.decidedBy,
  };
}
