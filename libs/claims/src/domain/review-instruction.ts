import { claimStatus, totalsOf } from './adjudicate';
import type { Decision, LineDecision } from './decision';
import { DomainError, DomainErrorCode } from './domain.error';
import { ReasonCode } from './reason-codes';

/** A reviewer's instruction on a pended claim, applied after the rules ran with `reviewed: true`. */
export interface ReviewInstruction {
  action: 'approve' | 'adjust' | 'reject';
  /** For `adjust`: the approved amount the reviewer allows per listed line (at most what the rules allow). */
  lines?: readonly { lineNo: number; approved: number }[];
  note?: string;
}

/**
 * Applies a reviewer's instruction to the rules' decision. A reviewer can lower or refuse what
 * the rules allow, never raise it: `approve` keeps the decision, `reject` zeroes every line, and
 * `adjust` lowers the listed lines' approved amounts (a line lowered to 0 is rejected, and its
 * member share released, since nothing was provided under the plan).
 */
export function applyReviewInstruction(decision: Decision, instruction: ReviewInstruction): Decision {
  if (instruction.action === 'approve') return decision;
  if (instruction.action === 'reject') {
    const lines = decision.lines.map((l) => zeroed(l, ReasonCode.ReviewerRejected));
    return rebuilt(decision, lines, [...decision.reasonCodes, ReasonCode.ReviewerRejected]);
  }
  const wanted = new Map<number, number>();
  for (const [i, { lineNo, approved }] of (instruction.lines ?? []).entries()) {
    const line = decision.lines.find((l) => l.lineNo === lineNo);
    const field = `lines.${i}`;
    if (!line) throw invalid(`${field}.lineNo`, 'must name a line of the claim');
    if (wanted.has(lineNo)) throw invalid(`${field}.lineNo`, 'must not repeat a line');
    if (!Number.isSafeInteger(approved) || approved < 0 || approved > line.approved) {
      throw invalid(
        `${field}.approved`,
        `must be an integer from 0 to ${line.approved} (what the rules allow)`,
      );
    }
    wanted.set(lineNo, approved);
  }
  if (wanted.size === 0) throw invalid('lines', 'must name at least one line to adjust');
  const lines = decision.lines.map((l) => {
    const approved = wanted.get(l.lineNo);
    if (approved === undefined || approved === l.approved) return l;
    if (approved === 0) return zeroed(l, ReasonCode.ReviewerAdjusted);
    const eligible = approved + l.deductible + l.coPayment;
    return {
      ...l,
      approved,
      eligible,
      status: 'adjusted' as const,
      reasonCodes: [...l.reasonCodes, ReasonCode.ReviewerAdjusted],
    };
  });
  return rebuilt(decision, lines, decision.reasonCodes);
}

function zeroed(l: LineDecision, reason: ReasonCode): LineDecision {
  if (l.status === 'rejected' && l.eligible === 0) return l;
  return {
    ...l,
    eligible: 0,
    coPayment: 0,
    deductible: 0,
    approved: 0,
    approvedQuantity: 0,
    status: 'rejected',
    reasonCodes: [...l.reasonCodes, reason],
  };
}

function rebuilt(decision: Decision, lines: LineDecision[], reasonCodes: ReasonCode[]): Decision {
  return { ...decision, lines, totals: totalsOf(lines), status: claimStatus(lines), reasonCodes };
}

function invalid(field: string, rule: string): DomainError {
  return new DomainError(DomainErrorCode.InvalidReview, `${field} ${rule}`, [{ field, rule }]);
}
