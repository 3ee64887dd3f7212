import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ClaimStatus, RULES_ENGINE } from '../domain';
import { ClaimEntity, MemberEntity, PlanVersionEntity } from '../infra/entities';
import { loadDecisionInputs } from './adjudication-inputs';
import { recordClaimEvent } from './claim-events';
import { decideFromInputs } from './decision-runner';
import { writeDecision } from './decision-writer';

/** What happened to a claim handed to adjudication. */
export type AdjudicationOutcome =
  { kind: 'decided'; status: ClaimStatus; revision: number } | { kind: 'skipped'; status: ClaimStatus };

/**
 * Runs the pure rules engine on a stored claim and writes the decision, the claim's new state,
 * the member's accumulators and the ledger-outbox row in one transaction. Idempotent: a claim
 * already decided is skipped.
 */
@Injectable()
export class AdjudicationService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adjudicates one claim at `now`. */
  async adjudicateClaim(claimId: string, now: Date = new Date()): Promise<AdjudicationOutcome> {
    await this.markAdjudicating(claimId);
    return this.db.transaction(async (em) => {
      const claim = await lockClaim(em, claimId);
      if (!claim) throw new Error(`claim ${claimId} does not exist`);
      if (claim.status !== ClaimStatus.Adjudicating) return { kind: 'skipped', status: claim.status };
      const member = await lockMember(em, claim.memberId);
      const planVersion = await em.findOneByOrFail(PlanVersionEntity, { id: claim.planVersionId });
      const inputs = await loadDecisionInputs(em, claim, member, {
        decidedAt: now.toISOString(),
        decidedBy: RULES_ENGINE,
        reviewed: false,
      });
      const decision = decideFromInputs(inputs, planVersion.ruleSet, planVersion.ruleSetHash);
      const revision = claim.revision + 1;
      await writeDecision(em, {
        claim,
        memberRef: member?.memberRef ?? '',
        revision,
        decision,
        inputs,
        from: ClaimStatus.Adjudicating,
        signerOrgId: claim.payerId,
      });
      return { kind: 'decided', status: decision.status as ClaimStatus, revision };
    });
  }

  private async markAdjudicating(claimId: string): Promise<void> {
    await this.db.transaction(async (em) => {
      const updated = await em
        .createQueryBuilder()
        .update(ClaimEntity)
        .set({ status: ClaimStatus.Adjudicating })
        .where('id = :claimId AND status = :received', { claimId, received: ClaimStatus.Received })
        .returning(['revision'])
        .execute();
      const row = (updated.raw as { revision: number }[])[0];
      if (row) {
        await recordClaimEvent(em, {
          claimId,
          revision: row.revision,
          from: ClaimStatus.Received,
          to: ClaimStatus.Adjudicating,
          actor: RULES_ENGINE,
        });
      }
    });
  }
}

/** The claim, row-locked for the rest of the transaction. */
export function lockClaim(em: EntityManager, claimId: string): Promise<ClaimEntity | null> {
  return em
    .createQueryBuilder(ClaimEntity, 'c')
    .setLock('pessimistic_write')
    .where('c.id = :claimId', { claimId })
    .getOne();
}

/**
 * The member, row-locked: every claim of one member is decided one at a time, so limits,
 * frequencies and accumulators can never be exceeded by two claims decided together.
 */
export function lockMember(em: EntityManager, memberId: string): Promise<MemberEntity | null> {
  return em
    .createQueryBuilder(MemberEntity, 'm')
    .setLock('pessimistic_write')
    .where('m.id = :memberId', { memberId })
    .getOne();
}
