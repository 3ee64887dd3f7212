import type { EntityManager } from 'typeorm';
import {
  samplingDraw,
  type ClaimForAdjudication,
  type MemberAccumulators,
  type PriorApprovedLine,
} from '../domain';
import { ClaimEntity, ClaimLineEntity, MemberAccumulatorsEntity, MemberEntity } from '../infra/entities';
import type { DiagnosisAverages } from './diagnosis-averages';
import type { DecisionInputs } from './decision-inputs';

/** Benefit years are calendar years of the service date. */
export const benefitYearOf = (serviceDate: string): number => Number(serviceDate.slice(0, 4));

/**
 * Gathers, inside the caller's transaction (which holds the member's row lock), everything the
 * rules engine is given about a claim: the claim, the member, the member's approved history at
 * every provider, the accumulators of the benefit year and the review-selection inputs.
 */
export async function loadDecisionInputs(
  em: EntityManager,
  claim: ClaimEntity,
  member: MemberEntity | null,
  opts: { decidedAt: string; decidedBy: string; reviewed: boolean; averages: DiagnosisAverages },
): Promise<DecisionInputs> {
  const lines = await em.find(ClaimLineEntity, { where: { claimId: claim.id }, order: { lineNo: 'ASC' } });
  const forRules: ClaimForAdjudication = {
    id: claim.id,
    providerId: claim.providerId,
    serviceDate: claim.serviceDate,
    submittedOn: claim.createdAt.toISOString().slice(0, 10),
    careType: claim.careType,
    currency: claim.currency,
    diagnoses: claim.diagnoses,
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      serviceCode: l.serviceCode,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      preauthRef: l.preauthRef,
    })),
  };
  // One after another: these share the transaction's single connection.
  const history = member ? await approvedHistory(em, member.id, claim.id) : [];
  const accumulators = member
    ? await readAccumulators(em, member.id, benefitYearOf(claim.serviceDate))
    : EMPTY;
  const diagnosisAverage = await opts.averages.get(em, claim.payerId, claim.diagnoses[0]);
  return {
    claim: forRules,
    member: member && {
      id: member.id,
      status: member.status,
      coverageStart: member.coverageStart,
      coverageEnd: member.coverageEnd,
      birthDate: member.birthDate,
      sex: member.sex,
    },
    history,
    accumulators,
    review: { diagnosisAverage, samplingDraw: samplingDraw(claim.id, claim.ledgerHeadAtSubmission) },
    reviewed: opts.reviewed,
    decidedAt: opts.decidedAt,
    decidedBy: opts.decidedBy,
  };
}

const EMPTY: MemberAccumulators = { annualApproved: 0, categoryApproved: {}, deductibleMet: 0 };

/** Lines of the member's other claims whose current decision approves something, at any provider. */
async function approvedHistory(
  em: EntityManager,
  memberId: string,
  exceptClaimId: string,
): Promise<PriorApprovedLine[]> {
  const rows: {
    claim_id: string;
    provider_id: string;
    service_date: string;
    care_type: PriorApprovedLine['careType'];
    line: { serviceCode: string; approvedQuantity: number };
  }[] =
    // Units approved, not money: a service the member paid through the deductible still counts.
    await em.query(
      `SELECT c.id AS claim_id, c.provider_id, c.service_date::text AS service_date, c.care_type, l AS line
         FROM claims c
         JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = c.revision
         CROSS JOIN LATERAL jsonb_array_elements(d.lines) AS l
        WHERE c.member_id = $1 AND c.id <> $2
          AND c.status IN ('approved', 'partially_approved', 'paid')
          AND coalesce((l->>'approvedQuantity')::int, 0) > 0
        ORDER BY c.service_date, c.id, (l->>'lineNo')::int`,
      [memberId, exceptClaimId],
    );
  return rows.map((r) => ({
    claimId: r.claim_id,
    providerId: r.provider_id,
    serviceDate: r.service_date,
    careType: r.care_type,
    serviceCode: r.line.serviceCode,
    quantity: r.line.approvedQuantity,
  }));
}

/** The member's accumulators for a benefit year (zero when nothing was used yet). */
export async function readAccumulators(
  em: EntityManager,
  memberId: string,
  benefitYear: number,
): Promise<MemberAccumulators> {
  const row = await em.findOneBy(MemberAccumulatorsEntity, { memberId, benefitYear });
  if (!row) return EMPTY;
  return {
    annualApproved: row.annualApproved,
    categoryApproved: row.categoryApproved,
    deductibleMet: row.deductibleMet,
  };
}
