import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import {
  affectedAccumulators,
  approvedUnits,
  canTransition,
  ClaimStatus,
  isApproval,
  RULES_ENGINE,
  type Decision,
  type MemberAccumulators,
  type PriorApprovedLine,
} from '../domain';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClaimEntity, MemberEntity } from '../infra/entities';
import {
  approvedHistories,
  assembleInputs,
  benefitYearOf,
  readAccumulatorsMany,
} from './load-decision-inputs';
import { recordClaimEvent } from '../common/claim-events';
import { decideClaim, lockClaim } from './decide-claim';
import { writeDecisions, type DecisionWrite } from './decision-store';
import { DiagnosisAverages } from './diagnosis-averages';

/** What happened to a claim handed to adjudication. */
export type AdjudicationOutcome =
  { kind: 'decided'; status: ClaimStatus; revision: number } | { kind: 'skipped'; status: ClaimStatus };

/** A claim of a batch: its outcome, `deferred` (its member was busy), or the error its rules threw. */
export type BatchOutcome = AdjudicationOutcome | { kind: 'deferred' } | Error;

/** The states in which a claim still waits for the rules engine. */
const OPEN = new Set<ClaimStatus>([ClaimStatus.Received, ClaimStatus.Adjudicating]);

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
    if (outcome.kind === 'deferred') throw new Error(`claim ${claimId} was deferred without being asked to`);
    return outcome;
  }

  /**
   * Adjudicates several claims in one transaction with a handful of statements for the whole
   * batch: the worker's fast path. Claims are locked in id order and their members in id order, so
   * concurrent batches cannot deadlock; two claims of one member are decided one after the other,
   * the second seeing the first's approved lines and amounts, exactly as if they had been decided
   * by two jobs in that order. A claim moves `received → adjudicating → decided` inside the
   * transaction (both events are kept) and its row is written once. A claim whose rules throw gets
   * its error back and is left `adjudicating` for its job's retry; the others are decided
   * regardless. With `deferBusyMembers`, a claim whose member another transaction is deciding is
   * not waited for but answered `deferred`, for a later batch.
   */
  async adjudicateBatch(
    claimIds: string[],
    now: Date = new Date(),
    opts: { deferBusyMembers?: boolean } = {},
  ): Promise<BatchOutcome[]> {
    if (claimIds.length === 0) return [];
    const results = new Map<string, BatchOutcome>();
    await this.db.transaction(async (em) => {
      const claims = await em
        .createQueryBuilder(ClaimEntity, 'c')
        .setLock('pessimistic_write')
        .where('c.id IN (:...ids)', { ids: claimIds })
        .orderBy('c.id')
        .getMany();
      const open = claims.filter((c) => OPEN.has(c.status));
      for (const c of claims)
        if (!OPEN.has(c.status)) results.set(c.id, { kind: 'skipped', status: c.status });
      if (open.length === 0) return;
      const members = await this.lockMembers(
        em,
        [...new Set(open.map((c) => c.memberId))],
        opts.deferBusyMembers ?? false,
      );
      const memberById = new Map(members.map((m) => [m.id, m]));
      const toDecide = opts.deferBusyMembers ? open.filter((c) => memberById.has(c.memberId)) : open;
      for (const c of open) if (!toDecide.includes(c)) results.set(c.id, { kind: 'deferred' });
      if (toDecide.length === 0) return;
      const memberIds = [...new Set(toDecide.map((c) => c.memberId))];
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
      const writes: DecisionWrite[] = [];
      const failed: ClaimEntity[] = [];
      for (const claim of ordered) {
        const member = memberById.get(claim.memberId) ?? null;
        const accKey = `${claim.memberId}|${benefitYearOf(claim.serviceDate)}`;
        try {
          const inputs = assembleInputs(
            claim,
            member,
            {
              history: histories.get(claim.memberId) ?? [],
              accumulators: accumulators.get(accKey)!,
              diagnosisAverage: await this.averages.get(em, claim.payerId, claim.diagnoses[0]),
            },
            { decidedAt: now.toISOString(), decidedBy: RULES_ENGINE, reviewed: false },
          );
          const write = await decideClaim(em, claim, member, inputs, {
            signerOrgId: claim.payerId,
            via: claim.status === ClaimStatus.Received ? ClaimStatus.Adjudicating : undefined,
          });
          writes.push(write);
          const { decision, revision } = write;
          results.set(claim.id, { kind: 'decided', status: decision.status as ClaimStatus, revision });
          // What the next claim of this member in the batch must see.
          if (isApproval(decision)) {
            histories.set(
              claim.memberId,
              withApprovedLines(histories.get(claim.memberId) ?? [], claim, decision),
            );
            accumulators.set(accKey, withUsage(accumulators.get(accKey)!, affectedAccumulators(decision)));
          }
        } catch (err) {
          // A failed statement aborts the transaction: only failures of the rules stay per claim.
          if (err instanceof QueryFailedError) throw err;
          results.set(claim.id, err instanceof Error ? err : new Error(String(err)));
          failed.push(claim);
        }
      }
      await writeDecisions(em, writes);
      await this.markAdjudicating(
        em,
        failed.filter((c) => c.status === ClaimStatus.Received).map((c) => c.id),
      );
    });
    return claimIds.map((id) => results.get(id) ?? new Error(`claim ${id} does not exist`));
  }

  /** The members, row-locked in id order; with `skipLocked`, those another transaction holds are left out. */
  private lockMembers(em: EntityManager, memberIds: string[], skipLocked: boolean): Promise<MemberEntity[]> {
    const query = em
      .createQueryBuilder(MemberEntity, 'm')
      .setLock('for_no_key_update')
      .where('m.id IN (:...ids)', { ids: memberIds })
      .orderBy('m.id');
    return (skipLocked ? query.setOnLocked('skip_locked') : query).getMany();
  }

  /** received → adjudicating with its event, for claims whose rules failed this time. */
  private async markAdjudicating(em: EntityManager, claimIds: string[]): Promise<void> {
    if (claimIds.length === 0) return;
    await em.query(
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
  const added = approvedUnits(d).map((u) => ({
    claimId: claim.id,
    providerId: claim.providerId,
    serviceDate: claim.serviceDate,
    careType: claim.careType,
    ...u,
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
