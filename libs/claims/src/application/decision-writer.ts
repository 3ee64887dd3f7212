import type { EntityManager, ValueTransformer } from 'typeorm';
import type { DecisionRecord } from '@claimtrail/ledger';
import { affectedAccumulators, ClaimStatus, type Decision } from '../domain';
import { ClaimDecisionEntity, type ClaimEntity } from '../infra/entities';
import { benefitYearOf } from './adjudication-inputs';
import type { DecisionInputs } from './decision-inputs';

/**
 * Writes one decision revision inside the caller's transaction: the decision with the inputs it
 * was made from, the claim's new state, its event, the member's accumulators (final decisions
 * only) and the ledger-outbox row. Nothing here decides anything.
 */
export async function writeDecision(
  em: EntityManager,
  args: {
    claim: ClaimEntity;
    memberRef: string;
    revision: number;
    decision: Decision;
    inputs: DecisionInputs;
    from: ClaimStatus;
    signerOrgId: string;
    note?: string | null;
  },
): Promise<void> {
  const { claim, revision, decision: d } = args;
  const status = d.status as ClaimStatus;
  const final = status === ClaimStatus.Approved || status === ClaimStatus.PartiallyApproved;
  const used = affectedAccumulators(d);
  // The decision's inputs and note are PHI: they go through the entity's own encrypting transformers.
  const columns = em.connection.getMetadata(ClaimDecisionEntity);
  const encrypt = (property: 'inputs' | 'note', value: unknown): unknown => {
    const transformer = columns.findColumnWithPropertyName(property)?.transformer as
      ValueTransformer | undefined;
    return transformer ? transformer.to(value) : value;
  };
  // One statement for the five writes: fewer round trips, and still all or nothing.
  await em.query(
    `WITH decision AS (
       INSERT INTO claim_decisions (claim_id, revision, status, currency, total_claimed, total_eligible,
         total_co_payment, total_deductible, total_approved, lines, reason_codes, rule_set_hash,
         decided_at, decided_by, inputs, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::text[], $12, $13, $14, $15, $16)),
     claim AS (
       UPDATE claims SET status = $3, revision = $2, last_error = NULL, updated_at = now() WHERE id = $1),
     event AS (
       INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
       VALUES ($1, $2, $17, $3, $14, $18::jsonb)),
     accumulators AS (
       INSERT INTO member_accumulators AS a
         (member_id, benefit_year, annual_approved, deductible_met, category_approved)
       SELECT $19, $20, $21, $22, $23::jsonb WHERE $24
       ON CONFLICT (member_id, benefit_year) DO UPDATE SET
         annual_approved = a.annual_approved + EXCLUDED.annual_approved,
         deductible_met = a.deductible_met + EXCLUDED.deductible_met,
         category_approved = (
           SELECT coalesce(jsonb_object_agg(k, coalesce((a.category_approved->>k)::bigint, 0)
                                             + coalesce((EXCLUDED.category_approved->>k)::bigint, 0)), '{}')
             FROM (SELECT jsonb_object_keys(a.category_approved)
                   UNION SELECT jsonb_object_keys(EXCLUDED.category_approved)) AS keys(k)))
     INSERT INTO ledger_outbox (kind, claim_id, revision, signer_org_id, record, attempts)
     VALUES ('decision', $1, $2, $25, $26::jsonb, 0)`,
    [
      claim.id,
      revision,
      d.status,
      d.currency,
      d.totals.claimed,
      d.totals.eligible,
      d.totals.coPayment,
      d.totals.deductible,
      d.totals.approved,
      JSON.stringify(d.lines),
      d.reasonCodes,
      d.ruleSetHash,
      new Date(d.decidedAt),
      d.decidedBy,
      encrypt('inputs', args.inputs),
      encrypt('note', args.note ?? null),
      args.from,
      // No note here: it is free text about the patient, kept only in the decision row, encrypted.
      JSON.stringify({ reasonCodes: d.reasonCodes, approved: d.totals.approved }),
      claim.memberId,
      benefitYearOf(claim.serviceDate),
      used.annual,
      used.deductible,
      JSON.stringify(used.categories),
      final,
      args.signerOrgId,
      JSON.stringify(toDecisionRecord(claim, args.memberRef, revision, d)),
    ],
  );
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
    totals: { ...d.totals },
    lines: d.lines.map((l) => ({
      lineNo: l.lineNo,
      category: l.category,
      claimed: l.claimed,
      approved: l.approved,
      status: l.status,
      reasonCodes: [...l.reasonCodes],
    })),
    ruleSetHash: d.ruleSetHash,
    reviewSeed: claim.ledgerHeadAtSubmission,
    decidedAt: d.decidedAt,
    decidedBy: d.decidedBy,
  };
}
