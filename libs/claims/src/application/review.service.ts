import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClaimStatus } from '../domain';
import { PlanVersionEntity } from '../infra/entities';
import { lockClaim, lockMember } from './adjudication.service';
import { loadDecisionInputs } from './adjudication-inputs';
import { AppError, AppErrorCode, NotFoundError } from './app.errors';
import type { ReviewInstruction } from './decision-inputs';
import { decideFromInputs } from './decision-runner';
import { writeDecision } from './decision-writer';

/**
 * An insurer's review of a pended claim. The review is a new revision: the rules run again on
 * today's accumulators without the pend reasons, then the reviewer's instruction applies (a
 * reviewer can lower or refuse what the rules allow, never raise it), signed by the payer.
 */
@Injectable()
export class ReviewService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Decides a pended claim of this payer. */
  async review(payerId: string, claimId: string, instruction: ReviewInstruction, now: Date = new Date()) {
    return this.db.transaction(async (em) => {
      const claim = await lockClaim(em, claimId);
      if (!claim || claim.payerId !== payerId) throw new NotFoundError('claim');
      if (claim.status !== ClaimStatus.Pended) {
        throw new AppError(AppErrorCode.InvalidState, `a ${claim.status} claim cannot be reviewed`, [
          { field: 'status', rule: 'must be pended' },
        ]);
      }
      const member = await lockMember(em, claim.memberId);
      const planVersion = await em.findOneByOrFail(PlanVersionEntity, { id: claim.planVersionId });
      const inputs = {
        ...(await loadDecisionInputs(em, claim, member, {
          decidedAt: now.toISOString(),
          decidedBy: `payer:${payerId}`,
          reviewed: true,
        })),
        instruction,
      };
      const decision = decideFromInputs(inputs, planVersion.ruleSet, planVersion.ruleSetHash);
      const revision = claim.revision + 1;
      await writeDecision(em, {
        claim,
        memberRef: member?.memberRef ?? '',
        revision,
        decision,
        inputs,
        from: ClaimStatus.Pended,
        signerOrgId: payerId,
        note: instruction.note ?? null,
      });
      return { id: claim.id, status: decision.status as ClaimStatus, revision };
    });
  }
}
