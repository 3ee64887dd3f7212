import type { EntityManager } from 'typeorm';
import type { ClaimStatus } from '../domain';

/** Appends one state-transition event of a claim inside the caller's transaction. */
export async function recordClaimEvent(
  em: EntityManager,
  event: {
    claimId: string;
    revision: number;
    from: ClaimStatus | null;
    to: ClaimStatus;
    actor: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await em.query(
    `INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      event.claimId,
      event.revision,
      event.from,
      event.to,
      event.actor,
      event.detail ? JSON.stringify(event.detail) : null,
    ],
  );
}
