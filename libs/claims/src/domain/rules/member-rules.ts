import type { ClaimForAdjudication, MemberForAdjudication } from '../claim';
import { daysBetween } from '../dates';
import { ReasonCode } from '../reason-codes';
import type { RuleSet } from '../rule-set';

/** MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE and MEMBER_NOT_COVERED (coverage bounds are inclusive). */
export function memberReasons(
  claim: ClaimForAdjudication,
  member: MemberForAdjudication | null,
): ReasonCode[] {
  if (!member) return [ReasonCode.MemberNotFound];
  const reasons: ReasonCode[] = [];
  if (member.status !== 'active') reasons.push(ReasonCode.MemberNotActive);
  if (claim.serviceDate < member.coverageStart || claim.serviceDate > member.coverageEnd) {
    reasons.push(ReasonCode.MemberNotCovered);
  }
  return reasons;
}

/**
 * True while the service date is fewer than `days` days after the member's coverage start: with
 * 30 days and cover from 1 January, 31 January is the first covered day.
 */
export function inWaitingPeriod(member: MemberForAdjudication, days: number, serviceDate: string): boolean {
  return daysBetween(member.coverageStart, serviceDate) < days;
}

/** WAITING_PERIOD: the plan-level waiting period, counted from the member's coverage start. */
export function waitingPeriodReasons(
  claim: ClaimForAdjudication,
  member: MemberForAdjudication | null,
  ruleSet: RuleSet,
): ReasonCode[] {
  const days = ruleSet.waitingPeriods?.days;
  if (!member || days === undefined) return [];
  return inWaitingPeriod(member, days, claim.serviceDate) ? [ReasonCode.WaitingPeriod] : [];
}
