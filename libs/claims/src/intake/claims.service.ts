import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { DataSource, QueryFailedError } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  canTransition,
  claimCommitment,
  ClaimStatus,
  type CareType,
  type ClaimLine,
  DomainError,
  lineAmount,
  sha256Hex,
  sum,
} from '../domain';
import { ClaimEntity, PlanVersionEntity, ServiceCodeEntity } from '../infra/entities';
import { ClaimQueueProducer } from '../queue/claim-queue.producer';
import { latestDateOnEarth } from '../domain/dates';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { recordClaimEvent } from '../common/claim-events';
import { planVersionById } from '../adjudication/decide-claim';
import { recentValue } from '../common/recent-value';
import type { BatchItemResult, SubmissionResult } from '../common/api-views';

export type { BatchItemResult, SubmissionResult } from '../common/api-views';

/** One claim to store and the provider submitting it. */
export interface Submission {
  providerId: string;
  body: SubmitClaim;
}

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

/** Accepts claims from providers: stores them durably, then queues them for adjudication. */
@Injectable()
export class ClaimsService {
  private readonly logger = new Logger(ClaimsService.name);
  /** The platform's service codes, re-read at most once a minute (they change only by migration). */
  private readonly catalogue = recentValue(60_000, () =>
    this.db
      .getRepository(ServiceCodeEntity)
      .find({ select: { code: true } })
      .then((rows) => new Set(rows.map((r) => r.code))),
  );
  /**
   * The ledger head, at most a quarter of a second old: still a value the payer cannot choose,
   * read once for all the submissions of that moment rather than once each.
   */
  private readonly recentLedgerHead = recentValue(250, () => this.ledger.head().then((h) => h.blockHash));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: ClaimQueueProducer,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  /**
   * Stores the claim, its lines and its `received` event in one statement and enqueues it.
   * The external reference is the idempotency key: the same body returns the same claim,
   * a different body under the same reference is a conflict.
   */
  async submit(providerId: string, body: SubmitClaim): Promise<SubmissionResult> {
    const [result] = await this.submitMany([{ providerId, body }]);
    if (result instanceof Error) throw result;
    return result;
  }

  /**
   * Submits up to 1,000 claims from one clinic (an end-of-day file): each is stored and queued on
   * its own terms, exactly as by `submit`, and answered with its own result; one bad claim does
   * not refuse the others.
   */
  async submitBatch(providerId: string, claims: SubmitClaim[]): Promise<BatchItemResult[]> {
    const results = await this.submitMany(claims.map((body) => ({ providerId, body })));
    return results.map((r, i) =>
      r instanceof DomainError
        ? {
            ok: false as const,
            externalRef: claims[i].externalRef,
            error: { code: r.code, message: r.message, details: r.details },
          }
        : r instanceof Error
          ? {
              ok: false as const,
              externalRef: claims[i].externalRef,
              error: {
                code: 'internal_error',
                message: 'the claim could not be stored; the others were not affected',
                details: [],
              },
            }
          : { ok: true as const, ...r },
    );
  }

  /**
   * Submits many claims (of one clinic or several) with a few statements for all of them: one
   * lookup of members and plan versions, one insert of claims, lines and events, one lookup of
   * replays and one enqueue; corrections of earlier claims (previousClaimId, rare) are checked one
   * by one. Each claim gets its own result: stored, a replay, or the refusal naming the field.
   */
  async submitMany(items: Submission[], now: Date = new Date()): Promise<(SubmissionResult | Error)[]> {
    // Care not yet given is refused at once, not accepted and then rejected by the rules.
    const latest = latestDateOnEarth(now);
    const future = items.map((item) => item.body.serviceDate > latest);
    if (future.some(Boolean)) {
      const rest = items.filter((_, i) => !future[i]);
      const stored = rest.length > 0 ? await this.submitMany(rest, now) : [];
      let next = 0;
      return items.map((_, i) => (future[i] ? futureServiceDate(latest) : stored[next++]));
    }
    try {
      return await this.submitTogether(items);
    } catch (err) {
      if (!isStatementError(err)) throw err;
      // One claim's value can fail the shared statement for every claim in it, of every clinic: the
      // claims are stored again one by one, so that only the claim at fault is refused.
      this.logger.warn(
        `a batch of ${items.length} claims failed as one statement; storing each alone: ${String(err)}`,
      );
      const results: (SubmissionResult | Error)[] = [];
      for (const item of items) {
        try {
          results.push(...(await this.submitTogether([item])));
        } catch (alone) {
          if (!isStatementError(alone)) throw alone;
          this.logger.warn(
            `claim ${item.body.externalRef} of ${item.providerId} cannot be stored: ${String(alone)}`,
          );
          results.push(isDataException(alone) ? unstorable() : (alone as Error));
        }
      }
      return results;
    }
  }

  private async submitTogether(items: Submission[]): Promise<(SubmissionResult | DomainError)[]> {
    const results: (SubmissionResult | DomainError | undefined)[] = new Array(items.length);
    const fresh = items.map((_, i) => i);
    const hashes = new Map(fresh.map((i) => [i, sha256Hex(canonicalize(items[i].body) as string)]));
    const targets = (await this.db.query(
      // A provider that holds no contract with the payer learns nothing about the payer's members:
      // the member is read only once a contract is found, and otherwise the claim is answered as
      // one for an unknown member. A contract with the payer is a mention of the provider in any
      // published version of any of the payer's plans (in force or not, any care type: the rules
      // engine judges that per claim); a rule set always names its providers, so there is no open
      // network.
      `SELECT k.ord::int AS ord, m.id AS member_id, m.plan_version_id
         FROM unnest($1::uuid[], $2::text[], $3::date[], $4::uuid[])
                WITH ORDINALITY AS k(payer_id, member_number, service_date, provider_id, ord)
        CROSS JOIN LATERAL (
          SELECT EXISTS (
            SELECT 1 FROM plans p JOIN plan_versions v ON v.plan_id = p.id
             WHERE p.payer_id = k.payer_id
               AND (v.rule_set -> 'contractedProviders' @> jsonb_build_array(k.provider_id::text)
                 OR v.rule_set -> 'contractedProviders'
                      @> jsonb_build_array(jsonb_build_object('providerId', k.provider_id::text)))
          ) AS contracted) c
         LEFT JOIN LATERAL (
           SELECT m.id,
                  (SELECT v.id FROM plan_versions v WHERE v.plan_id = m.plan_id
                    ORDER BY (v.coverage_start <= k.service_date AND v.coverage_end >= k.service_date) DESC,
                             v.version DESC
                    LIMIT 1) AS plan_version_id
             FROM members m
            WHERE c.contracted AND m.payer_id = k.payer_id AND m.member_number = k.member_number
         ) m ON true`,
      [
        fresh.map((i) => items[i].body.payerId),
        fresh.map((i) => items[i].body.memberNumber),
        fresh.map((i) => items[i].body.serviceDate),
        fresh.map((i) => items[i].providerId),
      ],
    )) as { ord: number; member_id: string | null; plan_version_id: string | null }[];
    const target = new Map(targets.map((t) => [fresh[t.ord - 1], t]));
    const catalogue = await this.catalogue();
    const ledgerHead = await this.recentLedgerHead();

    const rows: Record<string, unknown>[] = [];
    const unknownMembers: number[] = [];
    for (const i of fresh) {
      const { providerId, body } = items[i];
      const t = target.get(i)!;
      if (!t.member_id) {
        unknownMembers.push(i);
        continue;
      }
      const unknown = body.lines
        .map((l, n) => ({ code: l.serviceCode, n }))
        .filter((l) => !catalogue.has(l.code));
      if (unknown.length > 0) {
        results[i] = unknownCodes(unknown);
        continue;
      }
      if (!t.plan_version_id) {
        results[i] = new AppError(AppErrorCode.NoPlanVersion, "the member's plan has no published version", [
          { field: 'memberNumber', rule: 'member plan must have a published version' },
        ]);
        continue;
      }
      if (body.previousClaimId) {
        try {
          // A replay of a correction is answered as a replay, before its previous claim is judged.
          const replay = await this.findByExternalRef(providerId, body.externalRef, hashes.get(i)!);
          if (replay) {
            results[i] = replay;
            continue;
          }
          const planVersion = await planVersionById(this.db.manager, t.plan_version_id);
          await this.assertResubmittable(providerId, t.member_id, body.previousClaimId, planVersion);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          results[i] = err;
          continue;
        }
      }
      // Time-ordered (RFC 9562 version 7): new claims append to the end of every index keyed by claim
      // id instead of landing on random pages, which keeps the write volume of a busy day down.
      const id = uuidv7();
      const salt = randomBytes(32).toString('hex');
      rows.push({
        ord: i,
        id,
        provider_id: providerId,
        payer_id: body.payerId,
        member_id: t.member_id,
        plan_version_id: t.plan_version_id,
        external_ref: body.externalRef,
        request_hash: hashes.get(i),
        currency: body.currency,
        service_date: body.serviceDate,
        diagnoses: body.diagnoses,
        care_type: body.careType ?? 'outpatient',
        previous_claim_id: body.previousClaimId ?? null,
        total_claimed: sum(body.lines.map((l) => lineAmount(l.unitPrice, l.quantity))),
        salt,
        commitment: claimCommitment(salt, { id, providerId, ...body }),
        lines: body.lines.map((l, n): Required<ClaimLine> => ({
          lineNo: n + 1,
          serviceCode: l.serviceCode,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          preauthRef: l.preauthRef ?? null,
        })),
      });
    }

    // One statement, so one implicit transaction; a row whose reference is taken (or whose previous
    // claim was corrected concurrently) is skipped, not an error.
    const inserted = new Set<string>(
      rows.length === 0
        ? []
        : (
            (await this.db.query(
              `WITH input AS (
                 SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(ord int, id uuid, provider_id uuid,
                   payer_id uuid, member_id uuid, plan_version_id uuid, external_ref text, request_hash text,
                   currency text, service_date date, diagnoses text[], care_type text,
                   previous_claim_id uuid, total_claimed bigint,
                   salt text, commitment text, lines jsonb)),
               claim AS (
                 INSERT INTO claims (id, provider_id, payer_id, member_id, plan_version_id, external_ref,
                   request_hash, status, revision, currency, service_date, diagnoses, care_type,
                   previous_claim_id, ledger_head_at_submission, total_claimed, commitment_salt,
                   claim_commitment, lines, last_error)
                 SELECT id, provider_id, payer_id, member_id, plan_version_id, external_ref, request_hash,
                        $2, 0, currency, service_date, diagnoses, care_type, previous_claim_id, $3,
                        total_claimed, salt,
                        commitment, lines, NULL
                   FROM input ORDER BY ord
                 ON CONFLICT DO NOTHING
                 RETURNING id, provider_id),
               events AS (
                 INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail)
                 SELECT id, 0, NULL, $2, 'provider:' || provider_id, NULL FROM claim)
               SELECT id FROM claim`,
              [JSON.stringify(rows), ClaimStatus.Received, ledgerHead],
            )) as { id: string }[]
          ).map((r) => r.id),
    );

    // Whatever was not inserted, and members not found, may be replays of earlier submissions.
    const maybeReplays = [
      ...rows.filter((r) => !inserted.has(r.id as string)).map((r) => r.ord as number),
      ...unknownMembers,
    ];
    for (const i of maybeReplays) {
      const { providerId, body } = items[i];
      try {
        const replay = await this.findByExternalRef(providerId, body.externalRef, hashes.get(i)!);
        if (replay) results[i] = replay;
        else if (body.previousClaimId && target.get(i)!.member_id)
          results[i] = new AppError(
            AppErrorCode.InvalidResubmission,
            'previousClaimId was resubmitted concurrently',
            [{ field: 'previousClaimId', rule: 'must not have been resubmitted already' }],
          );
        else if (target.get(i)!.member_id)
          // ON CONFLICT skips a row only when the reference is taken by a committed claim.
          throw new Error(`claim ${body.externalRef} of ${providerId} was neither stored nor found`);
        else
          results[i] = new AppError(
            AppErrorCode.UnknownMember,
            'no member with this number is enrolled with this payer',
            [{ field: 'memberNumber', rule: 'must identify a member enrolled with payerId' }],
          );
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results[i] = err;
      }
    }
    for (const r of rows) {
      if (inserted.has(r.id as string)) {
        results[r.ord as number] = { id: r.id as string, status: ClaimStatus.Received, replayed: false };
      }
    }
    if (inserted.size > 0 && !(await this.queue.tryEnqueue([...inserted]))) {
      this.logger.warn(`${inserted.size} claims stored but not enqueued yet; the sweeper will pick them up`);
    }
    return results as (SubmissionResult | DomainError)[];
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

/** The refusal of a claim whose lines name codes outside the service catalogue. */
function unknownCodes(unknown: { code: string; n: number }[]): AppError {
  return new AppError(
    AppErrorCode.UnknownServiceCode,
    `unknown service codes: ${unknown.map((u) => u.code).join(', ')}`,
    unknown.map(({ n }) => ({
      field: `lines.${n}.serviceCode`,
      rule: 'must be a code in the service catalogue',
    })),
  );
}

/** A failure of one SQL statement (not of the connection): the same statement without a claim may pass. */
function isStatementError(err: unknown): boolean {
  const code = (err as { driverError?: { code?: unknown } }).driverError?.code;
  return err instanceof QueryFailedError && typeof code === 'string' && !/^(08|53|57)/.test(code);
}

/** PostgreSQL's class 22: a value of the claim the database cannot hold. */
function isDataException(err: unknown): boolean {
  return String((err as { driverError?: { code?: unknown } }).driverError?.code).startsWith('22');
}

/** The refusal of a claim holding a value the database cannot store (its detail goes to the log). */
function unstorable(): AppError {
  return new AppError(AppErrorCode.UnstorableClaim, 'the claim holds a value that cannot be stored', [
    {
      field: 'body',
      rule: 'must hold only values the platform can store (dates, codes and amounts in range)',
    },
  ]);
}

/** The refusal of a claim whose service date is after today, wherever the clinic is. */
function futureServiceDate(latest: string): AppError {
  return new AppError(AppErrorCode.DateInFuture, 'the service date is in the future', [
    { field: 'serviceDate', rule: `must not be after today (${latest} in the furthest-ahead time zone)` },
  ]);
}
