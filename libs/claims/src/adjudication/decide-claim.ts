import type { EntityManager } from 'typeorm';
import { decideFromInputs, type ClaimStatus, type DecisionInputs, type ReviewInstruction } from '../domain';
import { ClaimEntity, MemberEntity, PlanVersionEntity } from '../infra/entities';
import { loadDecisionInputs } from './load-decision-inputs';
import { writeDecision, type DecisionWrite } from './decision-store';
import type { DiagnosisAverages } from './diagnosis-averages';

/**
 * The claim, row-locked for the rest of the transaction. Given a payer, only that payer's claim:
 * the tenancy is part of the locking statement, so another payer's claim is neither locked nor
 * waited for (a row the WHERE clause leaves out is never locked).
 */
export function lockClaim(em: EntityManager, claimId: string, payerId?: string): Promise<ClaimEntity | null> {
  const qb = em
    .createQueryBuilder(ClaimEntity, 'c')
    .setLock('pessimistic_write')
    .where('c.id = :claimId', { claimId });
  if (payerId !== undefined) qb.andWhere('c.payer_id = :payerId', { payerId });
  return qb.getOne();
}

/**
 * The member, row-locked: every claim of one member is decided one at a time, so limits,
 * frequencies and accumulators can never be exceeded by two claims decided together. FOR NO KEY
 * UPDATE serialises deciders without blocking (or deadlocking with) the submission of new claims,
 * whose foreign key to the member only takes a key-share lock.
 */
export function lockMember(em: EntityManager, memberId: string): Promise<MemberEntity | null> {
  return em
    .createQueryBuilder(MemberEntity, 'm')
    .setLock('for_no_key_update')
    .where('m.id = :memberId', { memberId })
    .getOne();
}

/** Plan versions never change once published, so each process keeps the ones it has read. */
const planVersions = new Map<string, PlanVersionEntity>();

export async function planVersionById(em: EntityManager, id: string): Promise<PlanVersionEntity> {
  const known = planVersions.get(id);
  if (known) return known;
  const version = await em.findOneByOrFail(PlanVersionEntity, { id });
  if (planVersions.size >= 1_000) planVersions.delete(planVersions.keys().next().value!);
  planVersions.set(id, version);
  return version;
}

/**
 * Decides one claim the caller has locked and writes the new revision: a reviewer's decision (an
 * instruction, pend reasons skipped). The rules engine decides in batches (AdjudicationService).
 */
export async function decideLockedClaim(
  em: EntityManager,
  claim: ClaimEntity,
  opts: {
    now: Date;
    decidedBy: string;
    signerOrgId: string;
    averages: DiagnosisAverages;
    instruction?: ReviewInstruction;
  },
): Promise<{ status: ClaimStatus; revision: number }> {
  const member = await lockMember(em, claim.memberId);
  const loaded = await loadDecisionInputs(em, claim, member, {
    decidedAt: opts.now.toISOString(),
    decidedBy: opts.decidedBy,
    reviewed: opts.instruction !== undefined,
    averages: opts.averages,
  });
  const inputs = opts.instruction ? { ...loaded, instruction: opts.instruction } : loaded;
  const write = await decideClaim(em, claim, member, inputs, {
    signerOrgId: opts.signerOrgId,
    note: opts.instruction?.note ?? null,
  });
  await writeDecision(em, write);
  return { status: write.decision.status as ClaimStatus, revision: write.revision };
}

/**
 * Runs the rules on a locked claim's inputs under its plan version and returns the revision to
 * write (see decision-store); writes nothing.
 */
export async function decideClaim(
  em: EntityManager,
  claim: ClaimEntity,
  member: MemberEntity | null,
  inputs: DecisionInputs,
  opts: { signerOrgId: string; via?: ClaimStatus; note?: string | null },
): Promise<DecisionWrite> {
  const planVersion = await planVersionById(em, claim.planVersionId);
  return {
    claim,
    memberRef: member?.memberRef ?? '',
    revision: claim.revision + 1,
    decision: decideFromInputs(inputs, planVersion.ruleSet, planVersion.ruleSetHash),
    inputs,
    from: claim.status,
    via: opts.via,
    signerOrgId: opts.signerOrgId,
    note: opts.note ?? null,
  };
}
