import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClaimStatus } from '../domain';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { recordClaimEvent, updateReturning } from '../common/claim-events';
import { lockClaim } from '../adjudication/decide-claim';
import type { LedgerRetryResult } from '../common/api-views';

export type { LedgerRetryResult } from '../common/api-views';

/**
 * A payer's retry of a decision the chaincode refused: its outbox row goes back to pending, the
 * relay sends the same record again, and once the ledger records it the claim returns to the
 * status the decision gave it. A retry helps when the cause of the refusal is gone (the chaincode
 * or an identity fixed); a different record under the same key (`CONFLICT`) stays on an
 * append-only ledger, so such a retry is refused again.
 */
@Injectable()
export class LedgerRetryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Queues the refused decision of this payer's claim for the ledger again. */
  async retryDecision(payerId: string, claimId: string): Promise<LedgerRetryResult> {
    return this.db.transaction(async (em) => {
      const claim = await lockClaim(em, claimId, payerId);
      if (!claim) throw new NotFoundError('claim');
      if (claim.status !== ClaimStatus.DecisionRefused) {
        throw new AppError(
          AppErrorCode.InvalidState,
          `a ${claim.status} claim has no refused decision to retry`,
          [{ field: 'status', rule: 'must be decision_refused' }],
        );
      }
      const reset = await updateReturning<{ id: string }>(
        em,
        `UPDATE ledger_outbox
            SET committed_at = NULL, outcome = NULL, tx_id = NULL, block_number = NULL
          WHERE kind = 'decision' AND claim_id = $1 AND revision = $2 AND outcome IN ('rejected', 'conflict')
          RETURNING id`,
        [claimId, claim.revision],
      );
      const result = {
        id: claimId,
        status: claim.status,
        revision: claim.revision,
        ledger: 'pending' as const,
      };
      // A retry already queued and not yet sent is the same request again.
      if (reset.length === 0) return result;
      await recordClaimEvent(em, {
        claimId,
        revision: claim.revision,
        from: claim.status,
        to: claim.status,
        actor: `payer:${payerId}`,
        detail: { ledgerRetry: 'requested' },
      });
      return result;
    });
  }
}
