import type { EntityManager } from 'typeorm';
import type { DecisionRecord } from '@claimtrail/ledger';
import { affectedAccumulators, ClaimStatus, type Decision } from '../domain';
import { ClaimDecisionEntity, ClaimEntity, LedgerOutboxEntity } from '../infra/entities';
import { addToAccumulators, benefitYearOf } from './adjudication-inputs';
import { recordClaimEvent } from './claim-events';
import type { DecisionInputs } from './decision-inputs';

/**
 * Writes one decision revision inside the caller's transaction: the decision with the inputs it
 * was made from, the claim's new state, its event, the member's accumulators (final decisions
 * only) and the ledger-outbox row. Nothing here decides anything.
 */
export async function writeDecision(
  em: EntityManager,
  args: {
    claim: ClaimEntity;
    memberRef: string;
    revision: number;
    decision: Decision;
    inputs: DecisionInputs;
    from: ClaimStatus;
    signerOrgId: string;
    note?: string | null;
  },
): Promise<void> {
  const { claim, revision, decision: d } = args;
  const status = d.status as ClaimStatus;
  await em.insert(ClaimDecisionEntity, {
    claimId: claim.id,
    revision,
    status: d.status,
    currency: d.currency,
    totalClaimed: d.totals.claimed,
    totalEligible: d.totals.eligible,
    totalCoPayment: d.totals.coPayment,
    totalDeductible: d.totals.deductible,
    totalApproved: d.totals.approved,
    lines: d.lines,
    reasonCodes: d.reasonCodes,
    ruleSetHash: d.ruleSetHash,
    decidedAt: new Date(d.decidedAt),
    decidedBy: d.decidedBy,
    inputs: args.inputs,
    note: args.note ?? null,
  });
  await em.update(ClaimEntity, { id: claim.id }, { status, revision, lastError: null });
  await recordClaimEvent(em, {
    claimId: claim.id,
    revision,
    from: args.from,
    to: status,
    actor: d.decidedBy,
    // No note here: it is free text about the patient, kept only in the decision row, encrypted.
    detail: { reasonCodes: d.reasonCodes, approved: d.totals.approved },
  });
  if (status === ClaimStatus.Approved || status === ClaimStatus.PartiallyApproved) {
    await addToAccumulators(em, claim.memberId, benefitYearOf(claim.serviceDate), affectedAccumulators(d));
  }
  await em.insert(LedgerOutboxEntity, {
    kind: 'decision',
    claimId: claim.id,
    revision,
    signerOrgId: args.signerOrgId,
    record: toDecisionRecord(claim, args.memberRef, revision, d),
    attempts: 0,
  });
}

/** The ledger's view of a decision: no codes, names or dates of birth, only what a donor or auditor needs. */
export function toDecisionRecord(
  claim: ClaimEntity,
  memberRef: string,
  revision: number,
  d: Decision,
): DecisionRecord {
  return {
    claimId: claim.id,
    revision,
    payerId: claim.payerId,
    providerId: claim.providerId,
    planVersionId: claim.planVersionId,
    memberRef,
    claimCommitment: claim.claimCommitment,
    status: d.status,
    currency: d.currency,
    totals: { ...d.totals },
    lines: d.lines.map((l) => ({
      lineNo: l.lineNo,
      category: l.category,
      claimed: l.claimed,
      approved: l.approved,
      status: l.status,
      reasonCodes: [...l.reasonCodes],
    })),
    ruleSetHash: d.ruleSetHash,
    reviewSeed: claim.ledgerHeadAtSubmission,
    decidedAt: d.decidedAt,
    decidedBy: d.decidedBy,
  };
}
