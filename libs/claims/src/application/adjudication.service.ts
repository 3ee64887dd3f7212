import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { DecisionRecord } from '@claimtrail/ledger';
import { adjudicate, ClaimStatus, RULES_ENGINE, type Decision } from '../domain';
import {
  ClaimDecisionEntity,
  ClaimEntity,
  ClaimLineEntity,
  LedgerOutboxEntity,
  MemberEntity,
  PlanVersionEntity,
} from '../infra/entities';
import { recordClaimEvent } from './claim-events';

/** What happened to a claim handed to adjudication. */
export type AdjudicationOutcome =
  { kind: 'decided'; status: ClaimStatus; revision: number } | { kind: 'skipped'; status: ClaimStatus };

/**
 * Runs the pure rules engine on a stored claim and writes the decision, the claim's new state
 * and the ledger-outbox row in one transaction. Idempotent: a claim already decided is skipped.
 */
@Injectable()
export class AdjudicationService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adjudicates one claim at `now`. */
  async adjudicateClaim(claimId: string, now: Date = new Date()): Promise<AdjudicationOutcome> {
    await this.markAdjudicating(claimId);
    return this.db.transaction(async (em) => {
      const claim = await em
        .createQueryBuilder(ClaimEntity, 'c')
        .setLock('pessimistic_write')
        .addSelect('c.commitmentSalt')
        .where('c.id = :claimId', { claimId })
        .getOne();
      if (!claim) throw new Error(`claim ${claimId} does not exist`);
      if (claim.status !== ClaimStatus.Adjudicating) return { kind: 'skipped', status: claim.status };

      // Locking the member serialises every claim of one member: limits can never be jointly exceeded.
      const member = await em
        .createQueryBuilder(MemberEntity, 'm')
        .setLock('pessimistic_write')
        .where('m.id = :id', { id: claim.memberId })
        .getOne();
      const [lines, planVersion] = await Promise.all([
        em.find(ClaimLineEntity, { where: { claimId }, order: { lineNo: 'ASC' } }),
        em.findOneByOrFail(PlanVersionEntity, { id: claim.planVersionId }),
      ]);
      const decision = adjudicate(
        {
          id: claim.id,
          providerId: claim.providerId,
          serviceDate: claim.serviceDate,
          currency: claim.currency,
          diagnoses: claim.diagnoses,
          lines,
        },
        {
          member: member && {
            id: member.id,
            coverageStart: member.coverageStart,
            coverageEnd: member.coverageEnd,
          },
          ruleSet: planVersion.ruleSet,
          ruleSetHash: planVersion.ruleSetHash,
          decidedAt: now.toISOString(),
          decidedBy: RULES_ENGINE,
        },
      );
      const revision = claim.revision + 1;
      await this.writeDecision(em, claim, member?.memberRef ?? '', revision, decision);
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

  private async writeDecision(
    em: EntityManager,
    claim: ClaimEntity,
    memberRef: string,
    revision: number,
    d: Decision,
  ): Promise<void> {
    const status = d.status as ClaimStatus;
    await em.insert(ClaimDecisionEntity, {
      claimId: claim.id,
      revision,
      status: d.status,
      currency: d.currency,
      totalClaimed: d.totals.claimed,
      totalEligible: d.totals.eligible,
      totalCoPayment: d.totals.coPayment,
      totalApproved: d.totals.approved,
      lines: d.lines,
      ruleSetHash: d.ruleSetHash,
      decidedAt: new Date(d.decidedAt),
      decidedBy: d.decidedBy,
    });
    await em.update(ClaimEntity, { id: claim.id }, { status, revision, lastError: null });
    await recordClaimEvent(em, {
      claimId: claim.id,
      revision,
      from: ClaimStatus.Adjudicating,
      to: status,
      actor: d.decidedBy,
      detail: { reasonCodes: d.reasonCodes, approved: d.totals.approved },
    });
    await em.insert(LedgerOutboxEntity, {
      kind: 'decision',
      claimId: claim.id,
      revision,
      signerOrgId: claim.payerId,
      record: toDecisionRecord(claim, memberRef, revision, d),
      attempts: 0,
    });
  }
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
    totals: d.totals,
    lines: d.lines.map((l) => ({
      lineNo: l.lineNo,
      category: l.category,
      claimed: l.claimed,
      approved: l.approved,
      status: l.status,
      reasonCodes: [...l.reasonCodes],
    })),
    ruleSetHash: d.ruleSetHash,
    decidedAt: d.decidedAt,
    decidedBy: d.decidedBy,
  };
}
