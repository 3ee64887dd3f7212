import type { EntityManager } from 'typeorm';
import {
  samplingDraw,
  type ClaimForAdjudication,
  type MemberAccumulators,
  type PriorApprovedLine,
  type DecisionInputs,
} from '../domain';
import { ClaimEntity, MemberEntity } from '../infra/entities';
import type { DiagnosisAverages } from './diagnosis-averages';

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
  // One after another: these share the transaction's single connection.
  const history = member ? await approvedHistory(em, member.id, claim.id) : [];
  const accumulators = member
    ? await readAccumulators(em, member.id, benefitYearOf(claim.serviceDate))
    : EMPTY;
  const diagnosisAverage = await opts.averages.get(em, claim.payerId, claim.diagnoses[0]);
  return assembleInputs(claim, member, { history, accumulators, diagnosisAverage }, opts);
}

/** What the database holds about a claim's context, read by {@link loadDecisionInputs} or in bulk. */
export interface StoredContext {
  history: PriorApprovedLine[];
  accumulators: MemberAccumulators;
  diagnosisAverage: number | null;
}

/** The rules engine's inputs from a claim, its member and its stored context. */
export function assembleInputs(
  claim: ClaimEntity,
  member: MemberEntity | null,
  context: StoredContext,
  opts: { decidedAt: string; decidedBy: string; reviewed: boolean },
): DecisionInputs {
  const forRules: ClaimForAdjudication = {
    id: claim.id,
    providerId: claim.providerId,
    serviceDate: claim.serviceDate,
    submittedOn: claim.createdAt.toISOString().slice(0, 10),
    careType: claim.careType,
    currency: claim.currency,
    diagnoses: claim.diagnoses,
    lines: claim.lines.map((l) => ({
      lineNo: l.lineNo,
      serviceCode: l.serviceCode,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      preauthRef: l.preauthRef,
    })),
  };
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
    history: context.history,
    accumulators: context.accumulators,
    review: {
      diagnosisAverage: context.diagnosisAverage,
      samplingDraw: samplingDraw(claim.id, claim.ledgerHeadAtSubmission),
    },
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
  return (await approvedHistories(em, [memberId], [exceptClaimId])).get(memberId) ?? [];
}

/**
 * The approved history of several members at once (see {@link approvedHistory}), leaving out the
 * given claims, in the order the rules engine is given it: by service date, claim and line.
 */
export async function approvedHistories(
  em: EntityManager,
  memberIds: string[],
  exceptClaimIds: string[],
): Promise<Map<string, PriorApprovedLine[]>> {
  // From the claims alone (each carries what its current decision approved), one row per member
  // with one compact JSON array per claim: at a busy member's hundredth claim this is hundreds of
  // claims per batch, which the driver would otherwise turn into as many row objects. The claim's
  // approved units go out as stored rather than expanded line by line in SQL, which took
  // PostgreSQL twice as long for the same answer.
  const rows: {
    member_id: string;
    claims: [string, string, string, PriorApprovedLine['careType'], [string, number][]][];
  }[] =
    // Units approved, not money: a service the member paid through the deductible still counts.
    await em.query(
      `SELECT c.member_id,
              json_agg(json_build_array(c.id, c.provider_id, c.service_date, c.care_type, c.approved_lines)
                       ORDER BY c.service_date, c.id) AS claims
         FROM claims c
        WHERE c.member_id = ANY($1) AND c.id <> ALL($2)
          AND c.status IN ('approved', 'partially_approved', 'paid', 'payment_refused', 'decision_refused')
        GROUP BY c.member_id`,
      [memberIds, exceptClaimIds],
    );
  const byMember = new Map<string, PriorApprovedLine[]>();
  for (const r of rows) {
    const lines: PriorApprovedLine[] = [];
    for (const [claimId, providerId, serviceDate, careType, approved] of r.claims)
      for (const [serviceCode, quantity] of approved ?? [])
        lines.push({ claimId, providerId, serviceDate, careType, serviceCode, quantity });
    byMember.set(r.member_id, lines);
  }
  return byMember;
}

/** The member's accumulators for a benefit year (zero when nothing was used yet). */
export async function readAccumulators(
  em: EntityManager,
  memberId: string,
  benefitYear: number,
): Promise<MemberAccumulators> {
  return (await readAccumulatorsMany(em, [{ memberId, benefitYear }])).get(`${memberId}|${benefitYear}`)!;
}

/** Accumulators of several (member, benefit year) pairs at once, keyed `member|year`; absent ones are zero. */
export async function readAccumulatorsMany(
  em: EntityManager,
  keys: { memberId: string; benefitYear: number }[],
): Promise<Map<string, MemberAccumulators>> {
  const rows = (await em.query(
    `SELECT a.member_id, a.benefit_year, a.annual_approved::text AS annual, a.deductible_met::text AS deductible,
            a.category_approved AS categories
       FROM member_accumulators a
       JOIN unnest($1::uuid[], $2::int[]) AS k(member_id, benefit_year)
         ON a.member_id = k.member_id AND a.benefit_year = k.benefit_year`,
    [keys.map((k) => k.memberId), keys.map((k) => k.benefitYear)],
  )) as {
    member_id: string;
    benefit_year: number;
    annual: string;
    deductible: string;
    categories: Record<string, number>;
  }[];
  const found = new Map<string, MemberAccumulators>();
  for (const r of rows) {
    found.set(`${r.member_id}|${r.benefit_year}`, {
      annualApproved: Number(r.annual),
      categoryApproved: r.categories,
      deductibleMet: Number(r.deductible),
    });
  }
  for (const k of keys)
    if (!found.has(`${k.memberId}|${k.benefitYear}`)) found.set(`${k.memberId}|${k.benefitYear}`, EMPTY);
  return found;
}
