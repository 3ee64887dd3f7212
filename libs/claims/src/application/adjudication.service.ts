import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canTransition, ClaimStatus, RULES_ENGINE } from '../domain';
import { ClaimEntity } from '../infra/entities';
import { recordClaimEvent } from './claim-events';
import { decideLockedClaim, lockClaim } from './decide-claim';

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
      const decided = await decideLockedClaim(em, claim, {
        now,
        decidedBy: RULES_ENGINE,
        signerOrgId: claim.payerId,
      });
      return { kind: 'decided', ...decided };
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

  /**
   * Parks a claim whose adjudication failed on every attempt in the visible `error` state with
   * its reason, so it neither blocks the queue nor goes round the sweeper for ever.
   */
  async markFailed(claimId: string, reason: string): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const claim = await lockClaim(em, claimId);
      if (!claim || !canTransition(claim.status, ClaimStatus.Error)) return false;
      await em.update(
        ClaimEntity,
        { id: claimId },
        { status: ClaimStatus.Error, lastError: reason.slice(0, 2000) },
      );
      await recordClaimEvent(em, {
        claimId,
        revision: claim.revision,
        from: claim.status,
        to: ClaimStatus.Error,
        actor: RULES_ENGINE,
        detail: { reason: reason.slice(0, 500) },
      });
      return true;
    });
  }
}
