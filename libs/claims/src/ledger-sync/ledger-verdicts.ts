import type { EntityManager } from 'typeorm';
import { ClaimStatus, DECIDED_STATUSES } from '../domain';
import type { LedgerOutboxEntity } from '../infra/entities';
import { recordClaimEvent, updateReturning } from '../common/claim-events';

/** Who the ledger's verdicts are recorded as, on claim events. */
export const LEDGER_ACTOR = 'ledger';

/** A record the chaincode refused: its own error code (`CONFLICT` for a different record under the key). */
export interface LedgerRefusal {
  row: Pick<LedgerOutboxEntity, 'id' | 'kind' | 'claimId' | 'revision'>;
  code: string;
  message: string;
}

/** What one relay pass (or one ledger event) learnt that changes claims, not only outbox rows. */
export interface LedgerVerdicts {
  refused: LedgerRefusal[];
  /** Decision revisions recorded after an earlier attempt: a refused claim among them is settled again. */
  recordedAgain: { claimId: string; revision: number }[];
}

/** An empty set of verdicts to collect into. */
export const noVerdicts = (): LedgerVerdicts => ({ refused: [], recordedAgain: [] });

/**
 * Applies the ledger's verdicts inside the transaction that marks their outbox rows, so a refusal
 * is never left reported as a success. A refused payment: the claim becomes `payment_refused`,
 * the attempt is marked refused (kept), its fund allocations are released and the funds get the
 * money back. A refused decision: the claim becomes `decision_refused` (the decision is kept). A
 * decision recorded after a retry returns its claim to the status the decision gave it. Claims,
 * then funds, are locked in id order, as payments lock them.
 */
export async function applyLedgerVerdicts(em: EntityManager, verdicts: LedgerVerdicts): Promise<void> {
  const ids = [
    ...new Set([
      ...verdicts.refused.map((r) => r.row.claimId),
      ...verdicts.recordedAgain.map((r) => r.claimId),
    ]),
  ].sort();
  if (ids.length === 0) return;
  const claims = new Map(
    (
      (await em.query(
        `SELECT id, status, revision FROM claims WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [ids],
      )) as { id: string; status: ClaimStatus; revision: number }[]
    ).map((c) => [c.id, c]),
  );
  const released = new Map<string, number>();
  for (const refusal of verdicts.refused) {
    const claim = claims.get(refusal.row.claimId);
    if (!claim) continue;
    if (refusal.row.kind === 'payment') await refusePayment(em, claim, refusal, released);
    else await refuseDecision(em, claim, refusal);
  }
  for (const { claimId, revision } of verdicts.recordedAgain) {
    const claim = claims.get(claimId);
    if (claim) await restoreDecision(em, claim, revision);
  }
  await returnToFunds(em, released);
}

type LockedClaim = { id: string; status: ClaimStatus; revision: number };

async function refusePayment(
  em: EntityManager,
  claim: LockedClaim,
  { row, code, message }: LedgerRefusal,
  released: Map<string, number>,
): Promise<void> {
  const [payment] = await updateReturning<{ attempt: number; payment_ref: string }>(
    em,
    `UPDATE payments SET refused_at = now(), refusal_code = $2, refusal_message = $3
      WHERE ledger_outbox_id = $1 AND refused_at IS NULL
      RETURNING attempt, payment_ref`,
    [row.id, code, message.slice(0, 1000)],
  );
  if (!payment) return;
  const allocations = await updateReturning<{ fund_id: string; amount: string }>(
    em,
    `UPDATE payment_allocations SET released_at = now()
      WHERE claim_id = $1 AND attempt = $2 AND released_at IS NULL
      RETURNING fund_id, amount`,
    [claim.id, payment.attempt],
  );
  for (const a of allocations) released.set(a.fund_id, (released.get(a.fund_id) ?? 0) + Number(a.amount));
  if (claim.status !== ClaimStatus.Paid) return;
  await setStatus(em, claim, ClaimStatus.PaymentRefused, {
    code,
    message,
    attempt: payment.attempt,
    paymentRef: payment.payment_ref,
    released: allocations.reduce((s, a) => s + Number(a.amount), 0),
  });
}

async function refuseDecision(em: EntityManager, claim: LockedClaim, { row, code, message }: LedgerRefusal) {
  // A refusal of a revision the claim has moved past changes nothing about the claim.
  if (claim.revision !== row.revision) return;
  const refusable = DECIDED_STATUSES.includes(claim.status) || claim.status === ClaimStatus.DecisionRefused;
  if (!refusable) return;
  await setStatus(em, claim, ClaimStatus.DecisionRefused, { code, message, revision: row.revision });
}

async function restoreDecision(em: EntityManager, claim: LockedClaim, revision: number): Promise<void> {
  if (claim.status !== ClaimStatus.DecisionRefused || claim.revision !== revision) return;
  const [decision] = (await em.query(
    `SELECT status FROM claim_decisions WHERE claim_id = $1 AND revision = $2`,
    [claim.id, revision],
  )) as { status: ClaimStatus }[];
  if (decision) await setStatus(em, claim, decision.status, { recorded: true, revision });
}

async function setStatus(
  em: EntityManager,
  claim: LockedClaim,
  to: ClaimStatus,
  detail: Record<string, unknown>,
): Promise<void> {
  await em.query(`UPDATE claims SET status = $2, updated_at = now() WHERE id = $1`, [claim.id, to]);
  await recordClaimEvent(em, {
    claimId: claim.id,
    revision: claim.revision,
    from: claim.status,
    to,
    actor: LEDGER_ACTOR,
    detail,
  });
  claim.status = to;
}

async function returnToFunds(em: EntityManager, released: Map<string, number>): Promise<void> {
  const fundIds = [...released.keys()].sort();
  if (fundIds.length === 0) return;
  await em.query(`SELECT id FROM funds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [fundIds]);
  await em.query(
    `UPDATE funds f SET allocated = f.allocated - r.amount
       FROM unnest($1::uuid[], $2::bigint[]) AS r(id, amount) WHERE f.id = r.id`,
    [fundIds, fundIds.map((id) => released.get(id))],
  );
}
