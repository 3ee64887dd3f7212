import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, QueryFailedError } from 'typeorm';
import {
  affectedAccumulators,
  canTransition,
  ClaimStatus,
  RULES_ENGINE,
  type Decision,
  type MemberAccumulators,
  type PriorApprovedLine,
} from '../domain';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClaimEntity, ClaimLineEntity, MemberEntity } from '../infra/entities';
import {
  approvedHistories,
  assembleInputs,
  benefitYearOf,
  readAccumulatorsMany,
} from './adjudication-inputs';
import { recordClaimEvent } from './claim-events';
import { decideAndWrite, lockClaim } from './decide-claim';
import { DiagnosisAverages } from './diagnosis-averages';

/** What happened to a claim handed to adjudication. */
export type AdjudicationOutcome =
  { kind: 'decided'; status: ClaimStatus; revision: number } | { kind: 'skipped'; status: ClaimStatus };

/**
 * Runs the pure rules engine on a stored claim and writes the decision, the claim's new state,
 * the member's accumulators and the ledger-outbox row in one transaction. Idempotent: a claim
 * already decided is skipped.
 */
@Injectable()
export class AdjudicationService {
  private readonly averages: DiagnosisAverages;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.averages = new DiagnosisAverages(config.DIAGNOSIS_AVERAGE_MAX_AGE_MS);
  }

  /** Adjudicates one claim at `now`: a batch of one. */
  async adjudicateClaim(claimId: string, now: Date = new Date()): Promise<AdjudicationOutcome> {
    const [outcome] = await this.adjudicateBatch([claimId], now);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Adjudicates several claims in one transaction, with a handful of statements for the whole
   * batch plus one write per claim: the worker's fast path. Claims are locked in id order and
   * their members in id order, so concurrent batches cannot deadlock; two claims of one member are
   * decided one after the other, the second seeing the first's approved lines and amounts, exactly
   * as if they had been decided by two jobs in that order. A claim whose rules throw gets its error
   * back and stays `adjudicating` for its job's retry; the others are decided regardless.
   */
  async adjudicateBatch(
    claimIds: string[],
    now: Date = new Date(),
  ): Promise<(AdjudicationOutcome | Error)[]> {
    if (claimIds.length === 0) return [];
    await this.markAdjudicating(claimIds);
    const results = new Map<string, AdjudicationOutcome | Error>();
    await this.db.transaction(async (em) => {
      const claims = await em
        .createQueryBuilder(ClaimEntity, 'c')
        .setLock('pessimistic_write')
        .where('c.id IN (:...ids)', { ids: claimIds })
        .orderBy('c.id')
        .getMany();
      const toDecide = claims.filter((c) => c.status === ClaimStatus.Adjudicating);
      for (const c of claims)
        if (!toDecide.includes(c)) results.set(c.id, { kind: 'skipped', status: c.status });
      if (toDecide.length === 0) return;
      const memberIds = [...new Set(toDecide.map((c) => c.memberId))];
      const members = await em
        .createQueryBuilder(MemberEntity, 'm')
        .setLock('for_no_key_update')
        .where('m.id IN (:...ids)', { ids: memberIds })
        .orderBy('m.id')
        .getMany();
      const memberById = new Map(members.map((m) => [m.id, m]));
      const lines = await em.find(ClaimLineEntity, {
        where: { claimId: In(toDecide.map((c) => c.id)) },
        order: { claimId: 'ASC', lineNo: 'ASC' },
      });
      const histories = await approvedHistories(
        em,
        memberIds,
        toDecide.map((c) => c.id),
      );
      const accumulators = await readAccumulatorsMany(
        em,
        toDecide.map((c) => ({ memberId: c.memberId, benefitYear: benefitYearOf(c.serviceDate) })),
      );
      // In the order they were submitted, so a member's claims are decided as they came in.
      const ordered = [...toDecide].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
      );
      for (const claim of ordered) {
        const member = memberById.get(claim.memberId) ?? null;
        const accKey = `${claim.memberId}|${benefitYearOf(claim.serviceDate)}`;
        try {
          const inputs = assembleInputs(
            claim,
            member,
            {
              lines: lines.filter((l) => l.claimId === claim.id),
              history: histories.get(claim.memberId) ?? [],
              accumulators: accumulators.get(accKey)!,
              diagnosisAverage: await this.averages.get(em, claim.payerId, claim.diagnoses[0]),
            },
            { decidedAt: now.toISOString(), decidedBy: RULES_ENGINE, reviewed: false },
          );
          const { decision, revision } = await decideAndWrite(em, claim, member, inputs, {
            signerOrgId: claim.payerId,
          });
          results.set(claim.id, { kind: 'decided', status: decision.status as ClaimStatus, revision });
          // What the next claim of this member in the batch must see.
          if (decision.status === ClaimStatus.Approved || decision.status === ClaimStatus.PartiallyApproved) {
            histories.set(
              claim.memberId,
              withApprovedLines(histories.get(claim.memberId) ?? [], claim, decision),
            );
            accumulators.set(accKey, withUsage(accumulators.get(accKey)!, affectedAccumulators(decision)));
          }
        } catch (err) {
          // A failed statement would have aborted the transaction: only failures before writing stay per claim.
          if (err instanceof QueryFailedError) throw err;
          results.set(claim.id, err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    return claimIds.map((id) => results.get(id) ?? new Error(`claim ${id} does not exist`));
  }

  /** received → adjudicating with its event, in one statement (so one implicit transaction). */
  private async markAdjudicating(claimIds: string[]): Promise<void> {
    await this.db.query(
      `WITH moved AS (
         UPDATE claims SET status = $2, updated_at = now() WHERE id = ANY($1) AND status = $3
         RETURNING id, revision)
       INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
       SELECT id, revision, $3, $2, $4, NULL FROM moved`,
      [claimIds, ClaimStatus.Adjudicating, ClaimStatus.Received, RULES_ENGINE],
    );
  }

  /**
   * Parks a claim whose adjudication failed on every attempt in the visible `error` state with
   * its reason, so it neither blocks the queue nor goes round the sweeper for ever.
   */
  async markFailed(claimId: string, reason: string): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const claim = await lockClaim(em, claimId);
      if (!claim || !canTransition(claim.status, ClaimStatus.Error)) return false;
      await em.update(
        ClaimEntity,
        { id: claimId },
        { status: ClaimStatus.Error, lastError: reason.slice(0, 2000) },
      );
      await recordClaimEvent(em, {
        claimId,
        revision: claim.revision,
        from: claim.status,
        to: ClaimStatus.Error,
        actor: RULES_ENGINE,
        detail: { reason: reason.slice(0, 500) },
      });
      return true;
    });
  }
}

/** `history` with the approved lines of a just-decided claim, in the order the database gives. */
function withApprovedLines(
  history: PriorApprovedLine[],
  claim: ClaimEntity,
  d: Decision,
): PriorApprovedLine[] {
  const added = d.lines
    .filter((l) => l.approvedQuantity > 0)
    .map((l) => ({
      claimId: claim.id,
      providerId: claim.providerId,
      serviceDate: claim.serviceDate,
      careType: claim.careType,
      serviceCode: l.serviceCode,
      quantity: l.approvedQuantity,
    }));
  // A stable sort keeps each claim's lines in line order, as the history query does.
  return [...history, ...added].sort(
    (a, b) => a.serviceDate.localeCompare(b.serviceDate) || a.claimId.localeCompare(b.claimId),
  );
}

/** Accumulators after adding a final decision's usage (a new object: the inputs keep the old one). */
function withUsage(
  current: MemberAccumulators,
  used: { annual: number; categories: Record<string, number>; deductible: number },
): MemberAccumulators {
  const categoryApproved = { ...current.categoryApproved };
  for (const [category, amount] of Object.entries(used.categories))
    categoryApproved[category] = (categoryApproved[category] ?? 0) + amount;
  return {
    annualApproved: current.annualApproved + used.annual,
    categoryApproved,
    deductibleMet: current.deductibleMet + used.deductible,
  };
}
