import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import {
  createLedger,
  verifyProofBundle,
  type ChainCheck,
  type LedgerPort,
  type TrustAnchor,
} from '@claimtrail/ledger';
import { recordKey } from '@claimtrail/ledger/proof/record-key';
import { ledgerSettings, loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { QueueName } from '@claimtrail/claims/queue/queue-contracts';
import type { Submission } from '../../../tools/bench/load';
import { fetchTrust } from '../../support/trust';
import { recordTally, type Tally } from './fault-table';

/** What the audit found: the counts, and every broken promise in words. */
export interface Audit {
  tally: Tally;
  problems: string[];
}

/** What the audit reads: the rig's own database connection, its queues and its API's trust anchor. */
export interface AuditTarget {
  db: DataSource;
  env: NodeJS.ProcessEnv;
  baseUrl: string;
}

const PROOFS_AT_ONCE = 8;

const DECIDED = ['approved', 'partially_approved', 'rejected', 'pended'];

/** The outbox outcomes that mean the ledger holds exactly the record PostgreSQL sent. */
const ON_LEDGER = ['recorded', 'unchanged'];

/** The claim ids a load got `202` for, each once. */
export const acceptedIds = (subs: Submission[]) => [
  ...new Set(subs.flatMap((s) => (s.claimId ? [s.claimId] : []))),
];

/** Every submission was answered `202` in the end (retried through the fault): none left unanswered. */
export function expectAllAccepted(subs: Submission[]): void {
  const unanswered = subs.filter((s) => !s.claimId).map((s) => ({ ref: s.externalRef, status: s.status }));
  expect(unanswered).toEqual([]);
}

/** Claims accepted but not yet decided: work the worker holds or is about to take. */
export async function undecided(db: DataSource): Promise<number> {
  const [{ n }]: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM claims WHERE status IN ('received', 'adjudicating')`,
  );
  return n;
}

/**
 * Waits until every accepted claim has a decision (or, for `expectError`, is parked in `error`)
 * and its ledger-outbox row has an outcome, or `timeoutMs` passes; then audits.
 */
export async function settleAndAudit(
  target: AuditTarget,
  fault: string,
  ids: string[],
  opts: { expectError?: Set<string>; timeoutMs?: number } = {},
): Promise<Audit> {
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 180_000);
  for (;;) {
    const [{ open }] = await target.db.query(
      `SELECT count(*)::int AS open FROM unnest($1::uuid[]) AS a(id)
         LEFT JOIN claims c ON c.id = a.id
         LEFT JOIN ledger_outbox o ON o.kind = 'decision' AND o.claim_id = c.id AND o.revision = c.revision
        WHERE c.id IS NULL OR c.status IN ('received', 'adjudicating')
           OR (c.status <> 'error' AND o.committed_at IS NULL)`,
      [ids],
    );
    if (open === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const settled = Date.now();
  const result = await audit(target, fault, ids, opts.expectError ?? new Set());
  process.stdout.write(
    `${fault}: ${ids.length} accepted claims settled in ${((settled - started) / 1000).toFixed(1)} s, ` +
      `audited (proofs included) in ${((Date.now() - settled) / 1000).toFixed(1)} s\n`,
  );
  return result;
}

interface ClaimRow {
  id: string;
  status: string | null;
  revision: number | null;
  decisions: number;
  decision_status: string | null;
  total_claimed: string | null;
  total_approved: string | null;
  outcome: string | null;
}

/**
 * Checks the promises of docs/reliability.md for the given accepted claims, trusting neither the
 * ledger's own bookkeeping nor PostgreSQL: each claim is stored with exactly one decision per
 * revision (or is the expected poison in `error`); its outbox row says the ledger holds the very
 * record sent (`recorded` or `unchanged`, never `conflict`); every revision is written exactly once
 * in the ledger's signed write sets (embedded) or announced once by its events (Fabric); the latest
 * revision's proof verifies offline against the platform's trust anchor, and the record it proves
 * has PostgreSQL's revision, status and totals; every member's accumulator equals the sum of their
 * claims' current approved amounts; and no job is left waiting, delayed or active.
 */
export async function audit(
  target: AuditTarget,
  fault: string,
  ids: string[],
  expectError: Set<string>,
): Promise<Audit> {
  const { db } = target;
  const rows: ClaimRow[] = await db.query(
    `SELECT a.id, c.status, c.revision, d.status AS decision_status,
            d.total_claimed::text AS total_claimed, d.total_approved::text AS total_approved, o.outcome,
            (SELECT count(*)::int FROM claim_decisions x WHERE x.claim_id = a.id) AS decisions
       FROM unnest($1::uuid[]) AS a(id)
       LEFT JOIN claims c ON c.id = a.id
       LEFT JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = c.revision
       LEFT JOIN ledger_outbox o ON o.kind = 'decision' AND o.claim_id = c.id AND o.revision = c.revision`,
    [ids],
  );
  const config = loadConfig();
  // A pool of its own: proving thousands of claims is the audit's slowest part, done 8 at a time.
  const proofDb = await connectDataSource({ ...config, DATABASE_POOL_SIZE: PROOFS_AT_ONCE });
  const ledger = createLedger(ledgerSettings(config), proofDb);
  const { trust } = await fetchTrust(target.baseUrl);
  const problems: string[] = [];
  let onLedger: Map<string, number>;
  let check: ChainCheck | null = null;
  const decided = rows.filter(
    (r) => r.status !== null && !expectError.has(r.id) && DECIDED.includes(r.status),
  );
  let proven: number;
  try {
    onLedger = await recordsOnLedger(ledger, config.LEDGER, db, ids);
    if (config.LEDGER === 'embedded') check = await ledger.checkChain(trust);
    proven = await proveEach(ledger, trust, decided, problems);
  } finally {
    ledger.close();
    await proofDb.destroy();
  }
  let ledgerRecords = 0;
  let lost = 0;
  let duplicated = 0;
  for (const r of rows) {
    if (r.status === null) {
      lost++;
      problems.push(`claim ${r.id} was accepted but is not in PostgreSQL`);
      continue;
    }
    if (expectError.has(r.id)) {
      if (r.status !== 'error') problems.push(`poison claim ${r.id} is ${r.status}, not error`);
      continue;
    }
    if (!DECIDED.includes(r.status)) {
      lost++;
      problems.push(`claim ${r.id} is ${r.status}, not decided`);
      continue;
    }
    if (r.decisions !== r.revision) {
      duplicated++;
      problems.push(`claim ${r.id} has ${r.decisions} decisions for ${r.revision} revisions`);
    }
    if (!ON_LEDGER.includes(r.outcome ?? '')) {
      problems.push(`claim ${r.id} revision ${r.revision}: the outbox outcome is ${r.outcome ?? 'none'}`);
    }
    for (let rev = 1; rev <= (r.revision ?? 0); rev++) {
      const n = onLedger.get(`${r.id}/${rev}`) ?? 0;
      ledgerRecords += Math.min(n, 1);
      if (n === 0) {
        lost++;
        problems.push(`claim ${r.id} revision ${rev} is not on the ledger`);
      } else if (n > 1) {
        duplicated++;
        problems.push(`claim ${r.id} revision ${rev} is recorded ${n} times`);
      }
    }
  }

  if (check && !check.ok)
    problems.push(`ledger chain does not verify: ${JSON.stringify(check).slice(0, 300)}`);

  for (const d of (await accumulatorDrift(db)).slice(0, 5)) {
    problems.push(`member ${d.member_id} ${d.year}: accumulator ${d.stored}, approved decisions ${d.summed}`);
  }

  const queue = new Queue(QueueName.Adjudication, {
    prefix: target.env.QUEUE_PREFIX,
    connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const stuck = Object.values(counts).reduce((a, b) => a + b, 0);
    if (stuck > 0) problems.push(`jobs left in the queue: ${JSON.stringify(counts)}`);
  } finally {
    await queue.close();
  }
  return {
    tally: { fault, accepted: ids.length, decided: decided.length, ledgerRecords, proven, lost, duplicated },
    problems,
  };
}

/**
 * Members whose stored accumulator differs from the sum of their claims' current approved amounts:
 * a review's new revision replaces the one before it, so counting every revision would hide double
 * counting rather than find it.
 */
export async function accumulatorDrift(
  db: DataSource,
): Promise<{ member_id: string; year: number; stored: string; summed: string }[]> {
  return db.query(
    `WITH summed AS (
       SELECT c.member_id, extract(year FROM c.service_date)::int AS year, sum(d.total_approved) AS total
         FROM claims c JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = c.revision
        WHERE d.status <> 'pended'
        GROUP BY 1, 2)
     SELECT coalesce(a.member_id, s.member_id) AS member_id, coalesce(a.benefit_year, s.year) AS year,
            coalesce(a.annual_approved, 0)::text AS stored, coalesce(s.total, 0)::text AS summed
       FROM member_accumulators a FULL JOIN summed s ON s.member_id = a.member_id AND s.year = a.benefit_year
      WHERE coalesce(a.annual_approved, 0) <> coalesce(s.total, 0)`,
  );
}

/**
 * Proves each decided claim's current revision and verifies the proof offline against `trust`
 * (never the ledger's word for it), then holds the proven record against PostgreSQL's decision.
 * Returns how many passed; each failure is a problem.
 */
async function proveEach(
  ledger: LedgerPort,
  trust: TrustAnchor,
  claims: ClaimRow[],
  problems: string[],
): Promise<number> {
  let proven = 0;
  let next = 0;
  // Why the claim's proof fails or disagrees with PostgreSQL, or null when it holds.
  const problemOf = async (r: ClaimRow): Promise<string | null> => {
    const bundle = await ledger.proveClaim(r.id, r.revision!);
    if (!bundle) return `claim ${r.id} revision ${r.revision} has no proof`;
    const verified = verifyProofBundle(bundle, trust);
    if (!verified.ok) {
      return `the proof of claim ${r.id} does not verify: ${verified.problems.join('; ')}`;
    }
    const { record } = bundle;
    const ledgerSays = {
      revision: record.revision,
      status: record.status,
      claimed: String(record.totals.claimed),
      approved: String(record.totals.approved),
    };
    const databaseSays = {
      revision: r.revision,
      status: r.decision_status,
      claimed: r.total_claimed,
      approved: r.total_approved,
    };
    if (JSON.stringify(ledgerSays) !== JSON.stringify(databaseSays)) {
      return `claim ${r.id}: the proven record says ${JSON.stringify(ledgerSays)}, PostgreSQL ${JSON.stringify(databaseSays)}`;
    }
    if (r.status !== r.decision_status) {
      return `claim ${r.id} is ${r.status} but its current decision is ${r.decision_status}`;
    }
    return null;
  };
  const one = async (r: ClaimRow) => {
    const problem = await problemOf(r);
    if (problem) problems.push(problem);
    else proven++;
  };
  await Promise.all(
    Array.from({ length: PROOFS_AT_ONCE }, async () => {
      while (next < claims.length) await one(claims[next++]);
    }),
  );
  return proven;
}

/**
 * Ledger records per (claim, revision), from what the ledger signed rather than what it says it
 * did: on the embedded ledger, the writes of the record's key in the transactions' write sets
 * (hashed into each signed transaction, and the chain checked against the trust anchor besides);
 * on Fabric, the decision events of valid transactions from the first block to the head.
 */
async function recordsOnLedger(
  ledger: LedgerPort,
  kind: 'embedded' | 'fabric',
  db: DataSource,
  ids: string[],
): Promise<Map<string, number>> {
  if (kind === 'embedded') {
    const keys = new Map<string, string>();
    const revisions: { id: string; revision: number }[] = await db.query(
      `SELECT c.id, g.revision FROM claims c, generate_series(1, c.revision) AS g(revision)
        WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
    // A write set names each key in hex (keys are composite keys with NUL separators).
    for (const r of revisions) {
      keys.set(
        Buffer.from(recordKey('decision', r.id, r.revision), 'utf8').toString('hex'),
        `${r.id}/${r.revision}`,
      );
    }
    const written: { key: string; n: number }[] = await db.query(
      `SELECT w->>'key' AS key, count(*)::int AS n
         FROM ledger_transactions t, jsonb_array_elements(t.write_set::jsonb) w
        WHERE t.function_name = 'RecordDecisions' AND w->>'key' = ANY($1)
        GROUP BY 1`,
      [[...keys.keys()]],
    );
    return new Map(written.map((w) => [keys.get(w.key)!, w.n]));
  }
  const wanted = new Set(ids);
  const onLedger = new Map<string, number>();
  const { blockNumber: head } = await ledger.head();
  const events = await ledger.decisionEvents!(null);
  // Past events arrive at once; the stream then waits for new ones, so it ends at the head or when idle.
  let lastEvent = Date.now();
  let idle = false;
  const watch = setInterval(() => {
    if (Date.now() - lastEvent < 5_000) return;
    idle = true;
    events.close();
  }, 1_000);
  try {
    for await (const event of events) {
      lastEvent = Date.now();
      for (const r of event.records) {
        if (!wanted.has(r.claimId)) continue;
        const key = `${r.claimId}/${r.revision}`;
        onLedger.set(key, (onLedger.get(key) ?? 0) + 1);
      }
      if (event.blockNumber >= head) break;
    }
  } catch (err) {
    // Closing the stream while it waits ends it with a cancellation: the history was read by then.
    if (!idle) throw err;
  } finally {
    clearInterval(watch);
    events.close();
  }
  return onLedger;
}

/**
 * Settles, audits, adds the fault's row to the table and fails the test on any loss, duplicate or
 * other broken promise: every accepted claim decided (but the expected poison) and on the ledger.
 */
export async function expectNothingLost(
  rig: AuditTarget,
  fault: string,
  ids: string[],
  opts: { expectError?: Set<string> } = {},
): Promise<Tally> {
  const { tally, problems } = await settleAndAudit(rig, fault, ids, opts);
  recordTally(tally);
  expect(problems.slice(0, 20)).toEqual([]);
  const decided = ids.length - (opts.expectError?.size ?? 0);
  expect(tally).toMatchObject({ decided, ledgerRecords: decided, proven: decided, lost: 0, duplicated: 0 });
  return tally;
}

/** Records waiting in the outbox, counted once a second for `seconds` seconds. */
export async function pendingEverySecond(db: DataSource, seconds: number): Promise<number[]> {
  const pending: number[] = [];
  for (let s = 0; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const [{ n }]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM ledger_outbox WHERE committed_at IS NULL`,
    );
    pending.push(n);
  }
  return pending;
}

/** The outbox grew while the ledger could not take records, and the relay tried them again. */
export async function expectOutboxHeldAndRetried(db: DataSource, pending: number[]): Promise<void> {
  expect(pending.at(-1)!).toBeGreaterThan(pending[0]);
  const [{ retried }]: { retried: number }[] = await db.query(
    `SELECT count(*)::int AS retried FROM ledger_outbox WHERE attempts > 1`,
  );
  expect(retried).toBeGreaterThan(0);
}
