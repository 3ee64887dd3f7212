import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClaimStatus, type ReviewInstruction } from '../domain';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { decideLockedClaim, lockClaim } from './decide-claim';
import { DiagnosisAverages } from './diagnosis-averages';

const FRESH_AVERAGES = new DiagnosisAverages(0);

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
      const claim = await lockClaim(em, claimId, payerId);
      if (!claim) throw new NotFoundError('claim');
      if (claim.status !== ClaimStatus.Pended) {
        throw new AppError(
          AppErrorCode.InvalidState,
          `this claim is ${claim.status}, so it cannot be reviewed`,
          [{ field: 'status', rule: 'must be pended' }],
        );
      }
      const decided = await decideLockedClaim(em, claim, {
        now,
        decidedBy: `payer:${payerId}`,
        signerOrgId: payerId,
        // A reviewer's decision compares with the average as it stands now.
        averages: FRESH_AVERAGES,
        instruction,
      });
      return { id: claim.id, ...decided };
    });
  }
}
