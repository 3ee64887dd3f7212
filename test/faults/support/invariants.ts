import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { createLedger, type ChainCheck, type LedgerPort } from '@claimtrail/ledger';
import { ledgerSettings, loadConfig } from '@claimtrail/claims/config/app-config';
import { QueueName } from '@claimtrail/claims/queue/queue-contracts';
import type { Submission } from '../../../apps/cli/src/bench/load';
import { recordTally } from './fault-table';

/** One row of the fault table. */
export interface Tally {
  fault: string;
  accepted: number;
  decided: number;
  ledgerRecords: number;
  lost: number;
  duplicated: number;
}

/** What the audit found: the counts, and every broken promise in words. */
export interface Audit {
  tally: Tally;
  problems: string[];
}

const DECIDED = ['approved', 'partially_approved', 'rejected', 'pended'];

/** The claim ids a load got `202` for, each once. */
export const acceptedIds = (subs: Submission[]) => [
  ...new Set(subs.flatMap((s) => (s.claimId ? [s.claimId] : []))),
];

/**
 * Waits until every accepted claim has a decision (or, for `expectError`, is parked in `error`)
 * and its ledger-outbox row is committed, or `timeoutMs` passes; then audits.
 */
export async function settleAndAudit(
  db: DataSource,
  queuePrefix: string,
  fault: string,
  ids: string[],
  opts: { expectError?: Set<string>; timeoutMs?: number } = {},
): Promise<Audit> {
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    const [{ open }] = await db.query(
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
  return audit(db, queuePrefix, fault, ids, opts.expectError ?? new Set());
}

/**
 * Checks the promises of docs/reliability.md for the given accepted claims: each is stored, has
 * exactly one decision and one ledger record per revision (or is the expected poison in `error`),
 * the chain verifies, every member's accumulator equals the sum of their final approved amounts,
 * and no job is left waiting, delayed or active.
 */
export async function audit(
  db: DataSource,
  queuePrefix: string,
  fault: string,
  ids: string[],
  expectError: Set<string>,
): Promise<Audit> {
  const rows: { id: string; status: string | null; revision: number | null; decisions: number }[] =
    await db.query(
      `SELECT a.id, c.status, c.revision,
              (SELECT count(*)::int FROM claim_decisions d WHERE d.claim_id = a.id) AS decisions
         FROM unnest($1::uuid[]) AS a(id) LEFT JOIN claims c ON c.id = a.id`,
      [ids],
    );
  const config = loadConfig();
  const ledger = createLedger(ledgerSettings(config), db);
  let onLedger: Map<string, number>;
  let check: ChainCheck;
  try {
    onLedger = await recordsOnLedger(ledger, config.LEDGER, db, ids);
    check = await ledger.checkChain();
  } finally {
    ledger.close();
  }
  const problems: string[] = [];
  let decided = 0;
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
    decided++;
    if (r.decisions !== r.revision) {
      duplicated++;
      problems.push(`claim ${r.id} has ${r.decisions} decisions for ${r.revision} revisions`);
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

  if (!check.ok) problems.push(`ledger chain does not verify: ${JSON.stringify(check).slice(0, 300)}`);

  const drift: { member_id: string; year: number; stored: string; summed: string }[] = await db.query(
    `WITH summed AS (
       SELECT c.member_id, extract(year FROM c.service_date)::int AS year, sum(d.total_approved) AS total
         FROM claim_decisions d JOIN claims c ON c.id = d.claim_id
        WHERE d.status <> 'pended'
        GROUP BY 1, 2)
     SELECT coalesce(a.member_id, s.member_id) AS member_id, coalesce(a.benefit_year, s.year) AS year,
            coalesce(a.annual_approved, 0)::text AS stored, coalesce(s.total, 0)::text AS summed
       FROM member_accumulators a FULL JOIN summed s ON s.member_id = a.member_id AND s.year = a.benefit_year
      WHERE coalesce(a.annual_approved, 0) <> coalesce(s.total, 0)`,
  );
  for (const d of drift.slice(0, 5)) {
    problems.push(`member ${d.member_id} ${d.year}: accumulator ${d.stored}, approved decisions ${d.summed}`);
  }

  const queue = new Queue(QueueName.Adjudication, {
    prefix: queuePrefix,
    connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const stuck = Object.values(counts).reduce((a, b) => a + b, 0);
    if (stuck > 0) problems.push(`jobs left in the queue: ${JSON.stringify(counts)}`);
  } finally {
    await queue.close();
  }
  return { tally: { fault, accepted: ids.length, decided, ledgerRecords, lost, duplicated }, problems };
}

/** Ledger records per (claim, revision): how many transactions say they recorded it. */
async function recordsOnLedger(
  ledger: LedgerPort,
  kind: 'embedded' | 'fabric',
  db: DataSource,
  ids: string[],
): Promise<Map<string, number>> {
  if (kind === 'embedded') {
    const recorded: { claim_id: string; revision: number; n: number }[] = await db.query(
      `SELECT r->>'claimId' AS claim_id, (r->>'revision')::int AS revision, count(*)::int AS n
         FROM ledger_transactions t, jsonb_array_elements(t.result->'results') r
        WHERE t.function_name = 'RecordDecisions' AND r->>'outcome' = 'recorded' AND r->>'claimId' = ANY($1)
        GROUP BY 1, 2`,
      [ids],
    );
    return new Map(recorded.map((r) => [`${r.claim_id}/${r.revision}`, r.n]));
  }
  // On Fabric a key is written once; a second recording would be a second key or a second revision.
  const onLedger = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 50) {
    const histories = await Promise.all(ids.slice(i, i + 50).map((id) => ledger.getClaimHistory(id)));
    for (const record of histories.flat()) {
      const key = `${record.claimId}/${record.revision}`;
      onLedger.set(key, (onLedger.get(key) ?? 0) + 1);
    }
  }
  return onLedger;
}

/**
 * Settles, audits, adds the fault's row to the table and fails the test on any loss, duplicate or
 * other broken promise: every accepted claim decided (but the expected poison) and on the ledger.
 */
export async function expectNothingLost(
  rig: { db: DataSource; env: NodeJS.ProcessEnv },
  fault: string,
  ids: string[],
  opts: { expectError?: Set<string> } = {},
): Promise<Tally> {
  const { tally, problems } = await settleAndAudit(rig.db, rig.env.QUEUE_PREFIX!, fault, ids, opts);
  recordTally(tally);
  expect(problems).toEqual([]);
  const decided = ids.length - (opts.expectError?.size ?? 0);
  expect(tally).toMatchObject({ decided, ledgerRecords: decided, lost: 0, duplicated: 0 });
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
