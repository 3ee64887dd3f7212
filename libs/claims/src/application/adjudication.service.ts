import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canTransition, ClaimStatus, RULES_ENGINE } from '../domain';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClaimEntity } from '../infra/entities';
import { recordClaimEvent } from './claim-events';
import { decideLockedClaim, lockClaim } from './decide-claim';
import { DiagnosisAverages } from './diagnosis-averages';

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
  private readonly averages: DiagnosisAverages;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.averages = new DiagnosisAverages(config.DIAGNOSIS_AVERAGE_MAX_AGE_MS);
  }

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
        averages: this.averages,
      });
      return { kind: 'decided', ...decided };
    });
  }

  /** received → adjudicating with its event, in one statement (so one implicit transaction). */
  private async markAdjudicating(claimId: string): Promise<void> {
    await this.db.query(
      `WITH moved AS (
         UPDATE claims SET status = $2, updated_at = now() WHERE id = $1 AND status = $3 RETURNING revision)
       INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
       SELECT $1, revision, $3, $2, $4, NULL FROM moved`,
      [claimId, ClaimStatus.Adjudicating, ClaimStatus.Received, RULES_ENGINE],
    );
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
