import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  DatabaseClaim,
  DatabaseFund,
  Difference,
  SubjectType,
} from '../../ledger-sync/reconciliation/compare-records';

/** Open differences of one subject, as the API shows them. */
export interface OpenMismatch {
  subjectType: SubjectType;
  subjectId: string;
  field: string;
  database: unknown;
  ledger: unknown;
  detectedBy: string;
  firstDetectedAt: string;
}

/** Which claims and funds PostgreSQL transactions changed since a horizon, and the next horizon. */
export interface Changes {
  claimIds: string[];
  fundIds: string[];
  /** The snapshot's xmin (xid8): transactions from here on were not yet visible. */
  horizon: string;
}

// A claim with its decisions and their outbox states, its live payment attempt (the one not
// refused) with its outbox state, and that attempt's allocations, in one row.
const CLAIM_SELECT = `
  SELECT c.id, c.status, c.revision, c.payer_id AS "payerId", c.provider_id AS "providerId",
         c.plan_version_id AS "planVersionId", c.currency, c.claim_commitment AS "claimCommitment",
         COALESCE((SELECT json_agg(json_build_object(
             'revision', d.revision, 'status', d.status, 'currency', d.currency,
             'totals', json_build_object('claimed', d.total_claimed, 'eligible', d.total_eligible,
               'coPayment', d.total_co_payment, 'deductible', d.total_deductible, 'approved', d.total_approved),
             'lines', d.lines, 'ruleSetHash', d.rule_set_hash,
             'decidedAt', to_char(d.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'decidedBy', d.decided_by)
             ORDER BY d.revision) FROM claim_decisions d WHERE d.claim_id = c.id), '[]') AS decisions,
         COALESCE((SELECT json_agg(json_build_object('kind', 'decision', 'revision', o.revision,
             'outcome', CASE WHEN o.committed_at IS NULL THEN NULL ELSE COALESCE(o.outcome, 'recorded') END))
             FROM ledger_outbox o WHERE o.kind = 'decision' AND o.claim_id = c.id), '[]') AS outbox,
         (SELECT json_build_object('revision', p.revision, 'amount', p.amount, 'paymentRef', p.payment_ref,
                   'outcome', CASE WHEN o.committed_at IS NULL THEN NULL ELSE COALESCE(o.outcome, 'recorded') END)
            FROM payments p LEFT JOIN ledger_outbox o ON o.id = p.ledger_outbox_id
           WHERE p.claim_id = c.id AND p.refused_at IS NULL) AS payment,
         COALESCE((SELECT json_agg(json_build_object('fundId', a.fund_id, 'category', a.category, 'amount', a.amount))
            FROM payment_allocations a WHERE a.claim_id = c.id AND a.released_at IS NULL), '[]') AS allocations
    FROM claims c`;

const FUND_SELECT = `
  SELECT f.id, f.funder_id AS "funderId", f.currency, f.budget::bigint AS budget, f.total::bigint AS total,
         f.allocated::bigint AS allocated, f.period_start::text AS "periodStart", f.period_end::text AS "periodEnd",
         f.earmarks,
         COALESCE((SELECT sum(a.amount) FROM payment_allocations a
                     JOIN payments p ON p.claim_id = a.claim_id AND p.attempt = a.attempt
                     JOIN ledger_outbox o ON o.id = p.ledger_outbox_id AND o.committed_at IS NULL
                    WHERE a.fund_id = f.id AND a.released_at IS NULL), 0)::bigint AS "pendingAllocated"
    FROM funds f`;

// The tables whose rows a reconciler compares, and how a changed row names its claim or fund.
const CLAIM_TABLES = [
  ['claims', 'id'],
  ['claim_decisions', 'claim_id'],
  ['payments', 'claim_id'],
  ['payment_allocations', 'claim_id'],
  ['ledger_outbox', 'claim_id'],
] as const;
const FUND_TABLES = [
  ['funds', 'id'],
  ['fund_top_ups', 'fund_id'],
  ['payment_allocations', 'fund_id'],
] as const;

/** SQL of the reconciler: what PostgreSQL holds, what changed, and what was found. */
@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Up to `limit` claims after `afterId`, in id order. */
  async claimsAfter(afterId: string | null, limit: number): Promise<DatabaseClaim[]> {
    return this.withoutJit(
      `${CLAIM_SELECT} WHERE ($1::uuid IS NULL OR c.id > $1::uuid) ORDER BY c.id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** The claims with these ids. */
  async claims(ids: readonly string[]): Promise<DatabaseClaim[]> {
    if (ids.length === 0) return [];
    return this.withoutJit(`${CLAIM_SELECT} WHERE c.id = ANY($1::uuid[]) ORDER BY c.id`, [[...ids]]);
  }

  // A page's correlated subqueries look expensive to the planner, which would JIT-compile them on
  // every call for more time than running them takes.
  private withoutJit<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.transaction(async (em) => {
      await em.query('SET LOCAL jit = off');
      return (await em.query(sql, params)) as T[];
    });
  }

  /**
   * Funds (all, or these), read while holding the ledger relay's lock inside `em`'s transaction,
   * so no payment lands on the ledger between this read and the caller's read of the ledger.
   */
  async funds(em: EntityManager, ids?: readonly string[]): Promise<DatabaseFund[]> {
    const rows = (await em.query(
      ids ? `${FUND_SELECT} WHERE f.id = ANY($1::uuid[]) ORDER BY f.id` : `${FUND_SELECT} ORDER BY f.id`,
      ids ? [[...ids]] : [],
    )) as (DatabaseFund & { budget: string; total: string; allocated: string; pendingAllocated: string })[];
    return rows.map((r) => ({
      ...r,
      budget: Number(r.budget),
      total: Number(r.total),
      allocated: Number(r.allocated),
      pendingAllocated: Number(r.pendingAllocated),
    }));
  }

  /** The current horizon: PostgreSQL transactions from here on are not yet visible. */
  async horizon(): Promise<string> {
    const [{ horizon }] = (await this.db.query(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon',
    )) as { horizon: string }[];
    return horizon;
  }

  /**
   * Claims and funds whose rows any PostgreSQL transaction wrote since `since` (an UPDATE always
   * gives a row a new xmin, whoever issues it, so an edit made behind the application's back shows
   * too). Scans the tables; the cost grows with their size, not with the changes.
   */
  async changedSince(since: string): Promise<Changes> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      const [{ horizon, xmax }] = (await em.query(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
                pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`,
      )) as { horizon: string; xmax: string }[];
      const distance = Math.min(Number(BigInt(xmax) - BigInt(since) + 1n), 2 ** 31 - 1);
      const changed = async (tables: readonly (readonly [string, string])[]) => {
        const ids = new Set<string>();
        for (const [table, column] of tables) {
          const rows = (await em.query(
            `SELECT DISTINCT ${column} AS id FROM ${table} WHERE age(xmin) BETWEEN 0 AND $1`,
            [distance],
          )) as { id: string }[];
          for (const r of rows) ids.add(r.id);
        }
        return [...ids];
      };
      return { claimIds: await changed(CLAIM_TABLES), fundIds: await changed(FUND_TABLES), horizon };
    });
  }

  /**
   * Records what a pass over `subjects` found: each difference opens (or stays open, with its new
   * figures), and every open difference of those subjects not found again is resolved. Returns how
   * many differences were not open before.
   */
  async record(
    subjects: readonly { type: SubjectType; id: string }[],
    found: readonly Difference[],
    detectedBy: string,
  ): Promise<number> {
    if (subjects.length === 0 && found.length === 0) return 0;
    return this.db.transaction(async (em) => {
      await em.query(
        `UPDATE integrity_mismatches m SET resolved_at = now()
           FROM unnest($1::text[], $2::text[]) AS s(type, id)
          WHERE m.resolved_at IS NULL AND m.subject_type = s.type AND m.subject_id = s.id
            AND NOT EXISTS (SELECT 1 FROM unnest($3::text[], $4::text[], $5::text[]) AS f(type, id, field)
                             WHERE f.type = m.subject_type AND f.id = m.subject_id AND f.field = m.field)`,
        [
          subjects.map((s) => s.type),
          subjects.map((s) => s.id),
          found.map((d) => d.subjectType),
          found.map((d) => d.subjectId),
          found.map((d) => d.field),
        ],
      );
      if (found.length === 0) return 0;
      const rows = (await em.query(
        `INSERT INTO integrity_mismatches (subject_type, subject_id, field, database_value, ledger_value, detected_by)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[])
         ON CONFLICT (subject_type, subject_id, field) WHERE resolved_at IS NULL
         DO UPDATE SET database_value = EXCLUDED.database_value, ledger_value = EXCLUDED.ledger_value,
                       last_seen_at = now()
         RETURNING (xmax = 0) AS opened`,
        [
          found.map((d) => d.subjectType),
          found.map((d) => d.subjectId),
          found.map((d) => d.field),
          found.map((d) => JSON.stringify(d.database)),
          found.map((d) => JSON.stringify(d.ledger)),
          found.map(() => detectedBy),
        ],
      )) as { opened: boolean }[];
      return rows.filter((r) => r.opened).length;
    });
  }

  /** Open differences of these subjects. */
  async open(subjectType: SubjectType, ids: readonly string[]): Promise<OpenMismatch[]> {
    if (ids.length === 0) return [];
    return (await this.db.query(
      `SELECT subject_type AS "subjectType", subject_id AS "subjectId", field, database_value AS database,
              ledger_value AS ledger, detected_by AS "detectedBy", first_detected_at AS "firstDetectedAt"
         FROM integrity_mismatches WHERE resolved_at IS NULL AND subject_type = $1 AND subject_id = ANY($2::text[])
        ORDER BY id`,
      [subjectType, [...ids]],
    )) as OpenMismatch[];
  }

  /** Subjects with open differences, by type. */
  async openSubjects(): Promise<{ type: SubjectType; id: string }[]> {
    return (await this.db.query(
      `SELECT DISTINCT subject_type AS type, subject_id AS id FROM integrity_mismatches WHERE resolved_at IS NULL`,
    )) as { type: SubjectType; id: string }[];
  }

  /** Open differences counted by subject type. */
  async openCounts(): Promise<Record<SubjectType, number>> {
    const rows = (await this.db.query(
      `SELECT subject_type AS type, count(*)::int AS n FROM integrity_mismatches WHERE resolved_at IS NULL GROUP BY 1`,
    )) as { type: SubjectType; n: number }[];
    const counts: Record<SubjectType, number> = { claim: 0, fund: 0, ledger: 0 };
    for (const r of rows) counts[r.type] = r.n;
    return counts;
  }

  /** The last cursor a reconciler stored, for a one-off incremental pass; null before any. */
  async storedCursor<T>(): Promise<T | null> {
    const [row] = (await this.db.query('SELECT cursor FROM integrity_cursor WHERE id = 1')) as {
      cursor: T;
    }[];
    return row?.cursor ?? null;
  }

  /** Stores a reconciler's cursor. */
  async storeCursor(cursor: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO integrity_cursor (id, cursor) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
      [JSON.stringify(cursor)],
    );
  }
}
