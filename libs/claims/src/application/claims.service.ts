import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { DataSource, In, QueryFailedError } from 'typeorm';
import {
  canTransition,
  claimCommitment,
  ClaimStatus,
  type CareType,
  DomainError,
  lineAmount,
  sha256Hex,
  sum,
} from '../domain';
import {
  ClaimEntity,
  ClaimLineEntity,
  MemberEntity,
  PlanVersionEntity,
  ServiceCodeEntity,
} from '../infra/entities';
import { ClaimQueueProducer } from '../queue/claim-queue.producer';
import { AppError, AppErrorCode, NotFoundError } from './app.errors';
import { recordClaimEvent } from './claim-events';

/** A claim as a provider submits it (already validated for shape). */
export interface SubmitClaim {
  externalRef: string;
  payerId: string;
  memberNumber: string;
  serviceDate: string;
  careType?: CareType;
  currency: string;
  diagnoses: string[];
  lines: { serviceCode: string; quantity: number; unitPrice: number; preauthRef?: string }[];
  /** A rejected claim this one corrects. */
  previousClaimId?: string;
}

/** How often a rejected claim may be corrected and resubmitted when the plan does not say. */
export const DEFAULT_MAX_RESUBMISSIONS = 3;

/** What submission returns: the claim, and whether it already existed with this very body. */
export interface SubmissionResult {
  id: string;
  status: ClaimStatus;
  replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';

/** Accepts claims from providers: stores them durably, then queues them for adjudication. */
@Injectable()
export class ClaimsService {
  private readonly logger = new Logger(ClaimsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: ClaimQueueProducer,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  /**
   * Stores the claim, its lines and its `received` event in one transaction and enqueues it.
   * The external reference is the idempotency key: the same body returns the same claim,
   * a different body under the same reference is a conflict.
   */
  async submit(providerId: string, body: SubmitClaim): Promise<SubmissionResult> {
    const requestHash = sha256Hex(canonicalize(body) as string);
    const existing = await this.findByExternalRef(providerId, body.externalRef, requestHash);
    if (existing) return existing;

    const member = await this.db
      .getRepository(MemberEntity)
      .findOneBy({ payerId: body.payerId, memberNumber: body.memberNumber });
    if (!member) {
      throw new AppError(
        AppErrorCode.UnknownMember,
        'no member with this number is enrolled with this payer',
        [{ field: 'memberNumber', rule: 'must identify a member enrolled with payerId' }],
      );
    }
    await this.assertCatalogued(body.lines.map((l) => l.serviceCode));
    const planVersion = await this.planVersionFor(member.planId, body.serviceDate);
    if (body.previousClaimId)
      await this.assertResubmittable(providerId, member.id, body.previousClaimId, planVersion);
    // Review sampling is seeded with the ledger head now, which the payer cannot pick afterwards.
    const ledgerHead = (await this.ledger.head()).blockHash;

    const id = randomUUID();
    const salt = randomBytes(32).toString('hex');
    const payload = { id, providerId, ...body };
    const lines = body.lines.map((l, i) => ({
      claimId: id,
      lineNo: i + 1,
      serviceCode: l.serviceCode,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      preauthRef: l.preauthRef ?? null,
    }));
    try {
      await this.db.transaction(async (em) => {
        await em.insert(ClaimEntity, {
          id,
          providerId,
          payerId: body.payerId,
          memberId: member.id,
          planVersionId: planVersion.id,
          externalRef: body.externalRef,
          requestHash,
          status: ClaimStatus.Received,
          revision: 0,
          currency: body.currency,
          serviceDate: body.serviceDate,
          diagnoses: body.diagnoses,
          careType: body.careType ?? 'outpatient',
          previousClaimId: body.previousClaimId ?? null,
          ledgerHeadAtSubmission: ledgerHead,
          totalClaimed: sum(lines.map((l) => lineAmount(l.unitPrice, l.quantity))),
          commitmentSalt: salt,
          claimCommitment: claimCommitment(salt, payload),
          lastError: null,
        });
        await em.insert(ClaimLineEntity, lines);
        await recordClaimEvent(em, {
          claimId: id,
          revision: 0,
          from: null,
          to: ClaimStatus.Received,
          actor: `provider:${providerId}`,
        });
      });
    } catch (err) {
      // A concurrent submission with the same reference won the race: answer as for a replay.
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        const winner = await this.findByExternalRef(providerId, body.externalRef, requestHash);
        if (winner) return winner;
        if ((err.driverError as { constraint?: string }).constraint === 'claims_previous_claim_idx') {
          throw new AppError(
            AppErrorCode.InvalidResubmission,
            'previousClaimId was resubmitted concurrently',
            [{ field: 'previousClaimId', rule: 'must not have been resubmitted already' }],
          );
        }
      }
      throw err;
    }
    await this.enqueue(id);
    return { id, status: ClaimStatus.Received, replayed: false };
  }

  /**
   * Submits up to 1,000 claims from one clinic (an end-of-day file): each is stored and queued on
   * its own, exactly as by `submit`, and answered with its own result; one bad claim does not
   * refuse the others.
   */
  async submitBatch(
    providerId: string,
    claims: SubmitClaim[],
  ): Promise<
    (
      | ({ ok: true } & SubmissionResult)
      | { ok: false; externalRef: string; error: { code: string; message: string; details: unknown } }
    )[]
  > {
    const results = [];
    for (const claim of claims) {
      try {
        results.push({ ok: true as const, ...(await this.submit(providerId, claim)) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results.push({
          ok: false as const,
          externalRef: claim.externalRef,
          error: { code: err.code, message: err.message, details: err.details },
        });
      }
    }
    return results;
  }

  private async enqueue(claimId: string): Promise<void> {
    // The claim is committed; the sweeper re-enqueues anything left in `received`.
    if (!(await this.queue.tryEnqueue([claimId]))) {
      this.logger.warn(`claim ${claimId} stored but not enqueued yet; the sweeper will pick it up`);
    }
  }

  private async findByExternalRef(providerId: string, externalRef: string, requestHash: string) {
    const claim = await this.db.getRepository(ClaimEntity).findOne({
      where: { providerId, externalRef },
      select: { id: true, status: true, requestHash: true },
    });
    if (!claim) return null;
    if (claim.requestHash !== requestHash) {
      throw new AppError(
        AppErrorCode.ExternalRefConflict,
        `externalRef ${externalRef} was already used for a different claim`,
        [{ field: 'externalRef', rule: 'must be unique per provider unless the body is identical' }],
      );
    }
    return { id: claim.id, status: claim.status, replayed: true };
  }

  private async assertResubmittable(
    providerId: string,
    memberId: string,
    previousClaimId: string,
    planVersion: PlanVersionEntity,
  ): Promise<void> {
    const refuse = (rule: string) =>
      new AppError(AppErrorCode.InvalidResubmission, `previousClaimId ${rule}`, [
        { field: 'previousClaimId', rule },
      ]);
    const previous = await this.db.getRepository(ClaimEntity).findOneBy({ id: previousClaimId, providerId });
    if (!previous) throw refuse("must be one of this provider's claims");
    if (previous.memberId !== memberId) throw refuse('must be a claim for the same member');
    if (previous.status !== ClaimStatus.Rejected) throw refuse('must be a rejected claim');
    if (await this.db.getRepository(ClaimEntity).existsBy({ previousClaimId })) {
      throw refuse('must not have been resubmitted already');
    }
    const [{ depth }] = (await this.db.query(
      `WITH RECURSIVE chain AS (
         SELECT id, previous_claim_id, 1 AS depth FROM claims WHERE id = $1
         UNION ALL
         SELECT c.id, c.previous_claim_id, chain.depth + 1 FROM claims c JOIN chain ON c.id = chain.previous_claim_id
       ) SELECT max(depth)::int AS depth FROM chain`,
      [previousClaimId],
    )) as { depth: number }[];
    // depth counts the original claim too: depth 1 means this would be the first resubmission.
    const allowed = planVersion.ruleSet.maxResubmissions ?? DEFAULT_MAX_RESUBMISSIONS;
    if (depth > allowed) throw refuse(`has been resubmitted the most times the plan allows (${allowed})`);
  }

  private async assertCatalogued(codes: string[]): Promise<void> {
    const known = await this.db
      .getRepository(ServiceCodeEntity)
      .find({ where: { code: In([...new Set(codes)]) }, select: { code: true } });
    const set = new Set(known.map((k) => k.code));
    const unknown = codes.map((code, i) => ({ code, i })).filter(({ code }) => !set.has(code));
    if (unknown.length > 0) {
      throw new AppError(
        AppErrorCode.UnknownServiceCode,
        `unknown service codes: ${unknown.map((u) => u.code).join(', ')}`,
        unknown.map(({ i }) => ({
          field: `lines.${i}.serviceCode`,
          rule: 'must be a code in the service catalogue',
        })),
      );
    }
  }

  /** The newest version in force on the service date, else the newest at all (adjudication then says why). */
  private async planVersionFor(planId: string, serviceDate: string): Promise<PlanVersionEntity> {
    const repo = this.db.getRepository(PlanVersionEntity);
    const inForce = await repo
      .createQueryBuilder('v')
      .where('v.plan_id = :planId AND v.coverage_start <= :d AND v.coverage_end >= :d', {
        planId,
        d: serviceDate,
      })
      .orderBy('v.version', 'DESC')
      .getOne();
    const version = inForce ?? (await repo.findOne({ where: { planId }, order: { version: 'DESC' } }));
    if (!version) {
      throw new AppError(AppErrorCode.NoPlanVersion, "the member's plan has no published version", [
        { field: 'memberNumber', rule: 'member plan must have a published version' },
      ]);
    }
    return version;
  }

  /** Voids a claim its provider submitted, while it is still only `received`. */
  async void(providerId: string, claimId: string): Promise<SubmissionResult> {
    return this.db.transaction(async (em) => {
      const claim = await em
        .createQueryBuilder(ClaimEntity, 'c')
        .setLock('pessimistic_write')
        .where('c.id = :claimId AND c.provider_id = :providerId', { claimId, providerId })
        .getOne();
      if (!claim) throw new NotFoundError('claim');
      if (!canTransition(claim.status, ClaimStatus.Voided)) {
        throw new AppError(AppErrorCode.InvalidState, `a ${claim.status} claim cannot be voided`, [
          { field: 'status', rule: 'must be received' },
        ]);
      }
      await em.update(ClaimEntity, { id: claimId }, { status: ClaimStatus.Voided });
      await recordClaimEvent(em, {
        claimId,
        revision: claim.revision,
        from: claim.status,
        to: ClaimStatus.Voided,
        actor: `provider:${providerId}`,
      });
      return { id: claimId, status: ClaimStatus.Voided, replayed: false };
    });
  }
}
