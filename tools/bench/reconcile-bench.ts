import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { SingleBar } from 'cli-progress';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import {
  EmbeddedLedger,
  type DecisionRecord,
  type LedgerReceipt,
  type PaymentRecord,
  type SigningIdentity,
} from '@claimtrail/ledger';
import { ClaimsModule } from '@claimtrail/claims/claims.module';
import { FundsService } from '@claimtrail/claims/funds-payments/funds.service';
import { MembersService } from '@claimtrail/claims/coverage/members.service';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { PlansService } from '@claimtrail/claims/coverage/plans.service';
import {
  ReconcilerService,
  type ReconcileReport,
} from '@claimtrail/claims/ledger-sync/reconciliation/reconciler.service';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { ReconciliationRepository } from '@claimtrail/claims/infra/repositories/reconciliation.repository';
import { Metrics } from '@claimtrail/claims/observability/metrics';
import { createScratchDatabase } from '../../apps/cli/src/scratch-database';
import { gitCommit, machineDescription } from './machine';

/** What `claimtrail bench-reconcile` is asked to do. */
export interface ReconcileBenchOptions {
  /** Ledger records to reconcile: four in ten decisions, three in ten payments, three in ten allocations. */
  records: number;
  keep: boolean;
  log: (line: string) => void;
}

/** Result of a reconcile benchmark, as printed and written to JSON. */
export interface ReconcileBenchResult {
  startedAt: string;
  commit: string | null;
  machine: Awaited<ReturnType<typeof machineDescription>>;
  configuration: { records: number; claims: number; paid: number; funds: number };
  loadSeconds: number;
  reconcile: {
    records: number;
    claims: number;
    seconds: number;
    recordsPerSecond: number;
    differences: number;
  };
  ceiling: { recordsPerSecond: number; seconds: number; what: string };
  ratio: number;
}

const BATCH = 500;
const FUNDS = 4;
const PERIOD = { start: '2026-01-01', end: '2026-12-31' };

/**
 * Loads a ledger of `records` genuine records (decisions and payments signed by a payer through
 * the embedded ledger, 500 to a transaction, the matching rows in PostgreSQL), then times a full
 * reconciliation from a cold process, and the ceiling of the same run: reading the same rows from
 * both stores without verifying or comparing anything.
 */
export async function runReconcileBench(opts: ReconcileBenchOptions): Promise<ReconcileBenchResult> {
  const startedAt = new Date().toISOString();
  const config = loadConfig();
  const scratch = await createScratchDatabase(config, 'claimtrail_reconcile_bench');
  process.env.DATABASE_URL = scratch.url;
  process.env.LOG_LEVEL = 'error';
  const ctx = await NestFactory.createApplicationContext(ClaimsModule, { logger: ['error'] });
  try {
    const claims = Math.ceil(opts.records / 2.5);
    const paid = Math.floor((opts.records - claims) / 2);
    opts.log(`loading ${claims} decided claims, ${paid} of them paid, into ${scratch.name}`);
    const loadStarted = Date.now();
    const world = await seed(ctx);
    await load(scratch.db, world, claims, paid, opts.log);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    await scratch.db.query('VACUUM ANALYZE');

    // A cold process: its own pool, its own ledger client, nothing verified in memory.
    const db = await connectDataSource({ ...config, DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: 4 });
    let report: ReconcileReport;
    let ceiling: ReconcileBenchResult['ceiling'];
    try {
      ceiling = await scanCeiling(db);
      opts.log('reconciling');
      const bar = new SingleBar({ format: 'reconcile [{bar}] {value}/{total} claims', hideCursor: true });
      bar.start(claims, 0);
      const reconciler = new ReconcilerService(
        db,
        new EmbeddedLedger(db),
        new ReconciliationRepository(db),
        new Metrics(),
      );
      report = await reconciler.full((done) => bar.update(done));
      bar.stop();
    } finally {
      await db.destroy();
    }
    const recordsPerSecond = report.records / report.seconds;
    return {
      startedAt,
      commit: gitCommit(),
      machine: await machineDescription(scratch.db),
      configuration: { records: opts.records, claims, paid, funds: FUNDS },
      loadSeconds,
      reconcile: {
        records: report.records,
        claims: report.claims,
        seconds: report.seconds,
        recordsPerSecond,
        differences: report.differences.length,
      },
      ceiling,
      ratio: recordsPerSecond / ceiling.recordsPerSecond,
    };
  } finally {
    await ctx.close();
    if (opts.keep) opts.log(`kept ${scratch.name}`);
    else await scratch.drop();
  }
}

interface World {
  payer: SigningIdentity;
  providerId: string;
  planId: string;
  planVersionId: string;
  ruleSetHash: string;
  memberId: string;
  fundIds: string[];
}

async function seed(ctx: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>): Promise<World> {
  const orgs = ctx.get(OrganizationsService);
  const payer = await orgs.create('payer', 'Reconcile bench payer');
  const provider = await orgs.create('provider', 'Reconcile bench clinic');
  const funder = await orgs.create('funder', 'Reconcile bench donor');
  const plan = await ctx.get(PlansService).create(payer.organization.id, 'Reconcile bench plan', {
    currency: 'KES',
    coverage: PERIOD,
    contractedProviders: [provider.organization.id],
    tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
  });
  const [member] = await ctx.get(MembersService).enrol(payer.organization.id, [
    {
      memberNumber: 'BENCH-1',
      planId: plan.plan.id,
      fullName: 'Bench Member',
      birthDate: '1990-01-01',
      sex: 'F',
      coverageStart: PERIOD.start,
      coverageEnd: PERIOD.end,
    },
  ]);
  const fundIds: string[] = [];
  for (let i = 0; i < FUNDS; i++) {
    const fund = await ctx.get(FundsService).create(funder.organization.id, {
      name: `Reconcile bench fund ${i + 1}`,
      currency: 'KES',
      budget: 9_000_000_000_000,
      period: PERIOD,
      earmarks: {},
    });
    fundIds.push(fund.id);
  }
  return {
    payer: await orgs.signingIdentity(payer.organization.id),
    providerId: provider.organization.id,
    planId: plan.plan.id,
    planVersionId: plan.versions[0].id,
    ruleSetHash: plan.versions[0].ruleSetHash,
    memberId: member.id,
    fundIds,
  };
}

/** Records claims on the ledger 500 to a transaction and writes the same into PostgreSQL. */
async function load(
  db: DataSource,
  world: World,
  claims: number,
  paid: number,
  log: (line: string) => void,
): Promise<void> {
  const ledger = new EmbeddedLedger(db);
  const bar = new SingleBar({ format: 'load [{bar}] {value}/{total} claims', hideCursor: true });
  bar.start(claims, 0);
  let paidSoFar = 0;
  for (let done = 0; done < claims; done += BATCH) {
    const n = Math.min(BATCH, claims - done);
    const decisions = Array.from({ length: n }, () => decisionRecord(world));
    const receipts = await ledger.recordDecisions(decisions, world.payer);
    await insertDecided(db, world, decisions, receipts);
    const toPay = Math.min(n, Math.round(((done + n) * paid) / claims) - paidSoFar);
    if (toPay > 0) {
      const payments = decisions
        .slice(0, toPay)
        .map((d, i) => paymentRecord(world, d, world.fundIds[(done + i) % FUNDS]));
      const paidReceipts = await ledger.recordPayments(payments, world.payer);
      await insertPaid(db, world, payments, paidReceipts);
      paidSoFar += toPay;
    }
    bar.update(done + n);
  }
  bar.stop();
  await db.query(
    `UPDATE funds f SET allocated = (SELECT coalesce(sum(amount), 0) FROM payment_allocations a WHERE a.fund_id = f.id)`,
  );
  log(`loaded ${claims} claims and ${paidSoFar} payments`);
}

function decisionRecord(world: World): DecisionRecord {
  const approved = 100_000 + Math.floor(Math.random() * 50) * 1_000;
  return {
    claimId: uuidv7(),
    revision: 1,
    payerId: world.payer.orgId,
    providerId: world.providerId,
    planVersionId: world.planVersionId,
    memberRef: randomBytes(32).toString('hex'),
    claimCommitment: randomBytes(32).toString('hex'),
    status: 'approved',
    currency: 'KES',
    totals: { claimed: approved, eligible: approved, coPayment: 0, deductible: 0, approved },
    lines: [
      { lineNo: 1, category: 'outpatient', claimed: approved, approved, status: 'approved', reasonCodes: [] },
    ],
    ruleSetHash: world.ruleSetHash,
    reviewSeed: randomBytes(32).toString('hex'),
    decidedAt: new Date().toISOString(),
    decidedBy: 'rules-engine',
  };
}

function paymentRecord(world: World, d: DecisionRecord, fundId: string): PaymentRecord {
  return {
    claimId: d.claimId,
    revision: 1,
    payerId: d.payerId,
    providerId: d.providerId,
    planId: world.planId,
    currency: 'KES',
    amount: d.totals.approved,
    serviceDate: '2026-03-02',
    paidAt: new Date().toISOString(),
    paymentRef: `pay-${d.claimId}`,
    allocations: [{ fundId, category: 'outpatient', amount: d.totals.approved }],
  };
}

async function insertDecided(
  db: DataSource,
  world: World,
  decisions: DecisionRecord[],
  receipts: LedgerReceipt[],
): Promise<void> {
  const ids = decisions.map((d) => d.claimId);
  const amounts = decisions.map((d) => d.totals.approved);
  await db.query(
    `INSERT INTO claims (id, provider_id, payer_id, member_id, plan_version_id, external_ref, request_hash, status,
                         revision, currency, service_date, diagnoses, total_claimed, commitment_salt,
                         claim_commitment, lines, approved_lines)
     SELECT c.id, $2, $3, $4, $5, c.id::text, repeat('0', 64), 'approved', 1, 'KES', '2026-03-02', '{B54}',
            c.amount, repeat('0', 64), c.commitment,
            jsonb_build_array(jsonb_build_object('lineNo', 1, 'serviceCode', 'CONS-GP', 'quantity', 1, 'unitPrice', c.amount)),
            '[["CONS-GP", 1]]'::jsonb
       FROM unnest($1::uuid[], $6::bigint[], $7::text[]) AS c(id, amount, commitment)`,
    [
      ids,
      world.providerId,
      world.payer.orgId,
      world.memberId,
      world.planVersionId,
      amounts,
      decisions.map((d) => d.claimCommitment),
    ],
  );
  await db.query(
    `INSERT INTO claim_decisions (claim_id, revision, status, currency, total_claimed, total_eligible, total_co_payment,
                                  total_deductible, total_approved, lines, rule_set_hash, decided_at, decided_by)
     SELECT c.id, 1, 'approved', 'KES', c.amount, c.amount, 0, 0, c.amount,
            jsonb_build_array(jsonb_build_object('lineNo', 1, 'serviceCode', 'CONS-GP', 'category', 'outpatient',
              'claimed', c.amount, 'eligible', c.amount, 'coPayment', 0, 'deductible', 0, 'approved', c.amount,
              'approvedQuantity', 1, 'status', 'approved', 'reasonCodes', '[]'::jsonb)),
            $2, c.decided_at, 'rules-engine'
       FROM unnest($1::uuid[], $3::bigint[], $4::timestamptz[]) AS c(id, amount, decided_at)`,
    [ids, world.ruleSetHash, amounts, decisions.map((d) => d.decidedAt)],
  );
  await outbox(db, 'decision', world, decisions, receipts);
}

async function insertPaid(
  db: DataSource,
  world: World,
  payments: PaymentRecord[],
  receipts: LedgerReceipt[],
): Promise<void> {
  const ids = payments.map((p) => p.claimId);
  const outboxIds = await outbox(db, 'payment', world, payments, receipts);
  await db.query(
    `INSERT INTO payments (claim_id, attempt, revision, payer_id, amount, payment_ref, paid_at, ledger_outbox_id)
     SELECT p.id, 1, 1, $2, p.amount, p.ref, p.paid_at, p.outbox_id
       FROM unnest($1::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::bigint[])
         AS p(id, amount, ref, paid_at, outbox_id)`,
    [
      ids,
      world.payer.orgId,
      payments.map((p) => p.amount),
      payments.map((p) => p.paymentRef),
      payments.map((p) => p.paidAt),
      ids.map((id) => outboxIds.get(id)),
    ],
  );
  await db.query(
    `INSERT INTO payment_allocations (claim_id, attempt, fund_id, category, amount)
     SELECT a.id, 1, a.fund_id, 'outpatient', a.amount FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS a(id, fund_id, amount)`,
    [ids, payments.map((p) => p.allocations[0].fundId), payments.map((p) => p.amount)],
  );
  await db.query(`UPDATE claims SET status = 'paid' WHERE id = ANY($1::uuid[])`, [ids]);
}

/** Committed outbox rows of records already on the ledger; their ids by claim. */
async function outbox(
  db: DataSource,
  kind: 'decision' | 'payment',
  world: World,
  records: (DecisionRecord | PaymentRecord)[],
  receipts: LedgerReceipt[],
): Promise<Map<string, string>> {
  const receipt = new Map(receipts.map((r) => [r.claimId, r]));
  const rows = (await db.query(
    `INSERT INTO ledger_outbox (kind, claim_id, revision, signer_org_id, record, attempts, committed_at, outcome, tx_id, block_number)
     SELECT $1, o.id, 1, $2, o.record, 1, now(), 'recorded', o.tx_id, o.block
       FROM unnest($3::uuid[], $4::jsonb[], $5::text[], $6::bigint[]) AS o(id, record, tx_id, block)
     RETURNING id, claim_id`,
    [
      kind,
      world.payer.orgId,
      records.map((r) => r.claimId),
      records.map((r) => JSON.stringify(r)),
      records.map((r) => receipt.get(r.claimId)!.txId),
      records.map((r) => receipt.get(r.claimId)!.blockNumber),
    ],
  )) as { id: string; claim_id: string }[];
  return new Map(rows.map((r) => [r.claim_id, r.id]));
}

/**
 * The ceiling: the same rows read from both stores in the same pages, with nothing verified,
 * parsed or compared.
 */
async function scanCeiling(db: DataSource): Promise<ReconcileBenchResult['ceiling']> {
  const started = process.hrtime.bigint();
  let rows = 0;
  let after: Buffer | null = null;
  for (;;) {
    const page = (await db.query(
      after
        ? 'SELECT key, value, tx_id FROM ledger_state WHERE key > $1 ORDER BY key LIMIT 5000'
        : 'SELECT key, value, tx_id FROM ledger_state ORDER BY key LIMIT 5000',
      after ? [after] : [],
    )) as { key: Buffer }[];
    if (page.length === 0) break;
    rows += page.length;
    after = page[page.length - 1].key;
  }
  let claimsAfter: string | null = null;
  const repo = new ReconciliationRepository(db);
  for (;;) {
    const page = await repo.claimsAfter(claimsAfter, 1000);
    if (page.length === 0) break;
    claimsAfter = page[page.length - 1].id;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    recordsPerSecond: rows / seconds,
    seconds,
    what: 'every world-state row and every claim page read from PostgreSQL, nothing verified or compared',
  };
}
