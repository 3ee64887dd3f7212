import type { ClaimForAdjudication, PriorApprovedLine } from '../claim';
import { ReasonCode } from '../reason-codes';
import type { Period, RuleSet, VisitKind } from '../rule-set';
import { inPeriod, unitsOf } from './history';
import { rejectLine, type LineWork } from './line-work';
import { tariffOf } from './line-rules';

/** Which visit limit and reason code each visit kind uses. */
const KIND_LIMITS: Readonly<
  Record<
    VisitKind,
    { key: 'consultations' | 'surgeries' | 'deliveries' | 'antenatalContacts'; reason: ReasonCode }
  >
> = {
  consultation: { key: 'consultations', reason: ReasonCode.ConsultationLimit },
  surgery: { key: 'surgeries', reason: ReasonCode.SurgeryLimit },
  delivery: { key: 'deliveries', reason: ReasonCode.DeliveryLimit },
  antenatal: { key: 'antenatalContacts', reason: ReasonCode.AntenatalLimit },
};

/**
 * QUANTITY_ABOVE_MAXIMUM, FREQUENCY_LIMIT and the visit-kind limits, line by line in lineNo
 * order: units allowed to an earlier line of the claim count against the later ones.
 */
export function applyQuantityRules(
  work: readonly LineWork[],
  claim: ClaimForAdjudication,
  ruleSet: RuleSet,
  prior: readonly PriorApprovedLine[],
): void {
  const usedByCode = new Map<string, number>();
  const usedByKind = new Map<VisitKind, number>();
  for (const w of work) {
    if (w.rejected || !w.tariff) continue;
    const { maxQuantityPerLine, frequency, visitKind } = w.tariff;
    if (maxQuantityPerLine !== undefined && w.quantity > maxQuantityPerLine) {
      w.quantity = maxQuantityPerLine;
      w.reasons.push(ReasonCode.QuantityAboveMaximum);
    }
    if (frequency) {
      const earlier = inPeriod(
        prior.filter((h) => h.serviceCode === w.line.serviceCode),
        frequency.period,
        claim.serviceDate,
      );
      const used = unitsOf(earlier) + (usedByCode.get(w.line.serviceCode) ?? 0);
      limitTo(w, frequency.max - used, ReasonCode.FrequencyLimit);
    }
    const kindLimit = visitKind && ruleSet.visitLimits?.[KIND_LIMITS[visitKind].key];
    if (visitKind && kindLimit && !w.rejected) {
      const used = unitsOfKind(prior, ruleSet, visitKind, kindLimit.period, claim.serviceDate);
      limitTo(w, kindLimit.max - used - (usedByKind.get(visitKind) ?? 0), KIND_LIMITS[visitKind].reason);
    }
    if (w.rejected) continue;
    usedByCode.set(w.line.serviceCode, (usedByCode.get(w.line.serviceCode) ?? 0) + w.quantity);
    if (visitKind) usedByKind.set(visitKind, (usedByKind.get(visitKind) ?? 0) + w.quantity);
  }
}

/** Trims the line to `left` units, or rejects it when none are left. */
function limitTo(w: LineWork, left: number, reason: ReasonCode): void {
  const allowed = Math.max(0, left);
  if (w.quantity <= allowed) return;
  if (allowed === 0) rejectLine(w, reason);
  else {
    w.quantity = allowed;
    w.reasons.push(reason);
  }
}

/** Approved units in the period of codes that the current tariff gives this visit kind. */
function unitsOfKind(
  prior: readonly PriorApprovedLine[],
  ruleSet: RuleSet,
  kind: VisitKind,
  period: Period,
  serviceDate: string,
): number {
  const ofKind = prior.filter((h) => tariffOf(ruleSet, h.serviceCode)?.visitKind === kind);
  return unitsOf(inPeriod(ofKind, period, serviceDate));
}
