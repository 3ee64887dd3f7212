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
  // Only for a claim that exists (the table has no foreign key; see migration 1764000011500).
  const written = (await em.query(
    `INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
     SELECT id, $2, $3, $4, $5, $6 FROM claims WHERE id = $1
     RETURNING id`,
    [
      event.claimId,
      event.revision,
      event.from,
      event.to,
      event.actor,
      event.detail ? JSON.stringify(event.detail) : null,
    ],
  )) as unknown[];
  if (written.length === 0) throw new Error(`no claim ${event.claimId} to record an event of`);
}

/** The rows an UPDATE … RETURNING wrote (TypeORM answers such a statement with `[rows, count]`). */
export async function updateReturning<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await em.query(sql, params)) as [T[], number];
  return rows;
}
