import type { ReviewInputs } from '../claim';
import { ReasonCode } from '../reason-codes';
import type { RuleSet } from '../rule-set';
import { liveLines, type LineWork } from './line-work';

/** PREAUTH_REQUIRED: the code needs pre-authorisation and the line quotes no reference (blank counts as none). */
export function applyPreauthRule(work: readonly LineWork[]): void {
  for (const w of liveLines(work)) {
    if (w.tariff?.preauthRequired && !w.line.preauthRef?.trim()) {
      w.pended = true;
      w.reasons.push(ReasonCode.PreauthRequired);
    }
  }
}

/**
 * REVIEW_THRESHOLD, REVIEW_ABOVE_AVERAGE and REVIEW_SAMPLED on the claim's approved total. A claim
 * with nothing approved is not selected: there is no payment to check.
 */
export function reviewReasons(approved: number, rule: RuleSet['review'], inputs: ReviewInputs): ReasonCode[] {
  if (!rule || approved <= 0) return [];
  const reasons: ReasonCode[] = [];
  if (rule.threshold !== undefined && approved > rule.threshold) reasons.push(ReasonCode.ReviewThreshold);
  if (rule.averageMultiple !== undefined && inputs.diagnosisAverage !== null) {
    // Hundredths and BigInt: 2.5 × an average compares exactly, with no float rounding.
    const multiple = BigInt(Math.round(rule.averageMultiple * 100));
    const average = BigInt(Math.round(inputs.diagnosisAverage));
    if (BigInt(approved) * 100n > multiple * average) reasons.push(ReasonCode.ReviewAboveAverage);
  }
  if (rule.samplingPercent !== undefined && inputs.samplingDraw * 100 < rule.samplingPercent) {
    reasons.push(ReasonCode.ReviewSampled);
  }
  return reasons;
}
