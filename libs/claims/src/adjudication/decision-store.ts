import type { EntityManager } from 'typeorm';
import type { DecisionRecord } from '@claimtrail/ledger';
import {
  affectedAccumulators,
  approvedUnits,
  ClaimStatus,
  isApproval,
  type Decision,
  type DecisionInputs,
} from '../domain';
import { ClaimDecisionEntity, type ClaimEntity } from '../infra/entities';
import { EncryptedColumnTransformer } from '../infra/crypto/encrypted-column.transformer';
import { benefitYearOf } from './load-decision-inputs';

/** One decision revision to write. */
export interface DecisionWrite {
  claim: ClaimEntity;
  memberRef: string;
  revision: number;
  decision: Decision;
  inputs: DecisionInputs;
  /** The claim's status before this decision. */
  from: ClaimStatus;
  /** A state the claim passed through inside the same transaction (`adjudicating`), recorded as its own event. */
  via?: ClaimStatus;
  signerOrgId: string;
  note?: string | null;
}

/** Writes one decision revision inside the caller's transaction (see {@link writeDecisions}). */
export function writeDecision(em: EntityManager, write: DecisionWrite): Promise<void> {
  return writeDecisions(em, [write]);
}

/**
 * Writes decision revisions inside the caller's transaction, in one statement however many there
 * are: each decision with the inputs it was made from, the claim's new state, its events, the
 * members' accumulators (final decisions only, summed per member and benefit year), the payers'
 * approved totals per primary diagnosis (which the diagnosis average is read from) and the
 * ledger-outbox rows, queued in the order given. Nothing here decides anything.
 */
export async function writeDecisions(em: EntityManager, writes: DecisionWrite[]): Promise<void> {
  if (writes.length === 0) return;
  // The decision's inputs and note are PHI: sealed by the entity's own encrypted columns, bound to
  // the decision's primary key (claim id, revision).
  const columns = em.connection.getMetadata(ClaimDecisionEntity);
  const encrypt = (property: 'inputs' | 'note', value: unknown, key: [string, number]): string | null => {
    if (value === null || value === undefined) return null;
    const transformer = columns.findColumnWithPropertyName(property)?.transformer;
    if (!(transformer instanceof EncryptedColumnTransformer)) throw new Error(`${property} is not encrypted`);
    return transformer.seal(value, key).stored;
  };
  const rows = writes.map((w, ord) => {
    const d = w.decision;
    return {
      ord,
      claim_id: w.claim.id,
      revision: w.revision,
      prior_revision: w.claim.revision,
      status: d.status,
      from_status: w.from,
      via_status: w.via ?? null,
      currency: d.currency,
      total_claimed: d.totals.claimed,
      total_eligible: d.totals.eligible,
      total_co_payment: d.totals.coPayment,
      total_deductible: d.totals.deductible,
      total_approved: d.totals.approved,
      lines: d.lines,
      // Only an approval's units count in later histories, even while its claim is decision_refused.
      approved_lines: isApproval(d) ? approvedUnits(d).map((u) => [u.serviceCode, u.quantity]) : [],
      reason_codes: d.reasonCodes,
      rule_set_hash: d.ruleSetHash,
      decided_at: d.decidedAt,
      decided_by: d.decidedBy,
      inputs: encrypt('inputs', w.inputs, [w.claim.id, w.revision]),
      note: encrypt('note', w.note ?? null, [w.claim.id, w.revision]),
      // No note in the event: it is free text about the patient, kept only in the decision row, encrypted.
      event_detail: { reasonCodes: d.reasonCodes, approved: d.totals.approved },
      signer_org_id: w.signerOrgId,
      record: toDecisionRecord(w.claim, w.memberRef, w.revision, d),
    };
  });
  const queued = (await em.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         ord int, claim_id uuid, revision int, prior_revision int, status text, from_status text,
         via_status text, currency text, total_claimed bigint, total_eligible bigint,
         total_co_payment bigint, total_deductible bigint, total_approved bigint, lines jsonb,
         approved_lines jsonb,
         reason_codes text[], rule_set_hash text, decided_at timestamptz, decided_by text,
         inputs text, note text, event_detail jsonb, signer_org_id uuid, record jsonb)),
     claim AS (
       UPDATE claims c SET status = i.status, revision = i.revision, approved_lines = i.approved_lines,
              last_error = NULL, updated_at = now()
         FROM input i WHERE c.id = i.claim_id
       RETURNING c.id),
     -- Everything else about a claim is written only for a claim row this statement updated.
     written AS (SELECT input.* FROM input JOIN claim ON claim.id = input.claim_id),
     decision AS (
       INSERT INTO claim_decisions (claim_id, revision, status, currency, total_claimed, total_eligible,
         total_co_payment, total_deductible, total_approved, lines, reason_codes, rule_set_hash,
         decided_at, decided_by, inputs, note)
       SELECT claim_id, revision, status, currency, total_claimed, total_eligible, total_co_payment,
              total_deductible, total_approved, lines, reason_codes, rule_set_hash, decided_at,
              decided_by, inputs, note
         FROM written),
     event AS (
       INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
       SELECT claim_id, revision, from_status, to_status, actor, detail FROM (
         SELECT ord, 0 AS step, claim_id, prior_revision AS revision, from_status,
                via_status AS to_status, decided_by AS actor, NULL::jsonb AS detail
           FROM written WHERE via_status IS NOT NULL
         UNION ALL
         SELECT ord, 1, claim_id, revision, coalesce(via_status, from_status), status, decided_by,
                event_detail
           FROM written) e
       ORDER BY ord, step),
     accumulators AS (
       INSERT INTO member_accumulators AS a
         (member_id, benefit_year, annual_approved, deductible_met, category_approved)
       SELECT member_id, benefit_year, annual, deductible, categories
         FROM jsonb_to_recordset($2::jsonb)
           AS y(member_id uuid, benefit_year int, annual bigint, deductible bigint, categories jsonb)
       ON CONFLICT (member_id, benefit_year) DO UPDATE SET
         annual_approved = a.annual_approved + EXCLUDED.annual_approved,
         deductible_met = a.deductible_met + EXCLUDED.deductible_met,
         category_approved = (
           SELECT coalesce(jsonb_object_agg(k, coalesce((a.category_approved->>k)::bigint, 0)
                                             + coalesce((EXCLUDED.category_approved->>k)::bigint, 0)), '{}')
             FROM (SELECT jsonb_object_keys(a.category_approved)
                   UNION SELECT jsonb_object_keys(EXCLUDED.category_approved)) AS keys(k))),
     diagnosis_totals AS (
       -- This session's shard, and rows in key order, so concurrent batches neither queue on one
       -- row nor lock two in opposite orders.
       INSERT INTO diagnosis_approved_totals AS t (payer_id, diagnosis, shard, claims, approved_total)
       SELECT payer_id, diagnosis, pg_backend_pid() % 16, claims, approved_total
         FROM jsonb_to_recordset($3::jsonb)
           AS z(payer_id uuid, diagnosis text, claims bigint, approved_total bigint)
        ORDER BY payer_id, diagnosis
       ON CONFLICT (payer_id, diagnosis, shard) DO UPDATE SET
         claims = t.claims + EXCLUDED.claims,
         approved_total = t.approved_total + EXCLUDED.approved_total)
     INSERT INTO ledger_outbox (kind, claim_id, revision, signer_org_id, record, attempts)
     SELECT 'decision', claim_id, revision, signer_org_id, record, 0 FROM written ORDER BY ord
     RETURNING claim_id`,
    [JSON.stringify(rows), JSON.stringify(accumulatorUsage(writes)), JSON.stringify(diagnosisTotals(writes))],
  )) as { claim_id: string }[];
  // The caller's transaction holds every claim it decides, so a claim row not found is a defect:
  // fail the transaction rather than commit its accumulators without its decision.
  if (queued.length !== writes.length) {
    const found = new Set(queued.map((r) => r.claim_id));
    const missing = writes.filter((w) => !found.has(w.claim.id)).map((w) => w.claim.id);
    throw new Error(`no claim row to write the decision of: ${missing.join(', ')}`);
  }
}

/**
 * What the approvals among `writes` add to the payers' totals per primary diagnosis, one entry per
 * payer and diagnosis. A claim reaches an approved status once (only `paid` follows), so every
 * approval adds and nothing ever subtracts.
 */
function diagnosisTotals(writes: DecisionWrite[]) {
  const totals = new Map<
    string,
    { payer_id: string; diagnosis: string; claims: number; approved_total: number }
  >();
  for (const { claim, decision } of writes) {
    const diagnosis = claim.diagnoses[0];
    if (!isApproval(decision) || !diagnosis) continue;
    const key = `${claim.payerId}|${diagnosis}`;
    const entry = totals.get(key) ?? { payer_id: claim.payerId, diagnosis, claims: 0, approved_total: 0 };
    entry.claims += 1;
    entry.approved_total += decision.totals.approved;
    totals.set(key, entry);
  }
  return [...totals.values()];
}

/**
 * What the final decisions among `writes` add to each member's accumulators, one entry per member
 * and benefit year (an upsert may touch a row only once per statement).
 */
function accumulatorUsage(writes: DecisionWrite[]) {
  const usage = new Map<
    string,
    {
      member_id: string;
      benefit_year: number;
      annual: number;
      deductible: number;
      categories: Record<string, number>;
    }
  >();
  for (const { claim, decision } of writes) {
    if (!isApproval(decision)) continue;
    const used = affectedAccumulators(decision);
    const year = benefitYearOf(claim.serviceDate);
    const key = `${claim.memberId}|${year}`;
    const entry = usage.get(key) ?? {
      member_id: claim.memberId,
      benefit_year: year,
      annual: 0,
      deductible: 0,
      categories: {},
    };
    entry.annual += used.annual;
    entry.deductible += used.deductible;
    for (const [category, amount] of Object.entries(used.categories))
      entry.categories[category] = (entry.categories[category] ?? 0) + amount;
    usage.set(key, entry);
  }
  return [...usage.values()];
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

/** A stored decision row, read back as the engine's Decision. */
export function storedDecision(d: ClaimDecisionEntity): Decision {
  return {
    status: d.status,
    currency: d.currency,
    lines: d.lines,
    totals: {
      claimed: d.totalClaimed,
      eligible: d.totalEligible,
      coPayment: d.totalCoPayment,
      deductible: d.totalDeductible,
      approved: d.totalApproved,
    },
    reasonCodes: d.reasonCodes as Decision['reasonCodes'],
    ruleSetHash: d.ruleSetHash,
    decidedAt: d.decidedAt.toISOString(),
    decidedBy: d.decidedBy,
  };
}
