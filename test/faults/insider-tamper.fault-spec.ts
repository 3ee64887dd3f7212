import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type LedgerPort } from '@claimtrail/ledger';
import { ledgerSettings, loadConfig } from '@claimtrail/claims/config/app-config';
import { runCli } from '../support/cli';
import { client } from '../support/stack';
import { FAULT_OPS_TOKEN, startRig, type Rig } from './support/fault-rig';

/** One insider edit, how it was found, and what the platform did about it. */
interface TamperRow {
  edit: string;
  detectedBy: string;
  seconds: number;
  money: string;
  api: string;
}

const DETECTION_LIMIT_MS = 60_000;
const TABLE_FILE = join(tmpdir(), 'claimtrail-tamper-table.md');

/**
 * An insider with write access to PostgreSQL edits, one at a time, a decision amount, a claim
 * status, a world-state row, a ledger transaction, a block's timestamp, a fund balance, an
 * allocation row and a payment row, while clinics submit claims and the payer pays them. Each edit
 * must be named within 60 seconds by the reconciler (the worker's role, at its default interval),
 * `claimtrail ledger check` or `claimtrail audit`; no money may be paid on a tampered amount; and the
 * API must show the mismatch. Each edit is put back once found, so the next starts from a clean
 * trail.
 */
describe('fault: an insider edits PostgreSQL behind the platform', () => {
  let rig: Rig;
  let ledger: LedgerPort;
  let fundId = '';
  let funderKey = '';
  let loading = true;
  const reserved = new Set<string>();
  // While set, the background payer sends nothing; it resolves `paused` once its batch in flight is done.
  let pause: { paused: () => void } | null = null;
  const rows: TamperRow[] = [];
  const payer = () => client(rig.baseUrl, rig.workload.payer.key);

  beforeAll(async () => {
    rig = await startRig('insider-tamper', { members: 1_000, clinics: 4 });
    ledger = createLedger(ledgerSettings(loadConfig(rig.env)), rig.db);
    const funder = await client(rig.baseUrl, rig.operatorKey)('POST', '/v1/organizations', {
      kind: 'funder',
      name: 'Tamper suite donor',
    });
    funderKey = funder.body.apiKey;
    const fund = await client(rig.baseUrl, funderKey)('POST', '/v1/funds', {
      name: 'Outpatient care',
      currency: 'KES',
      budget: 900_000_000,
      period: {
        start: `${rig.workload.today.slice(0, 4)}-01-01`,
        end: `${rig.workload.today.slice(0, 4)}-12-31`,
      },
      earmarks: { payerIds: [rig.workload.payer.id] },
    });
    expect(fund.status).toBe(201);
    fundId = fund.body.id;
  });

  afterAll(async () => {
    loading = false;
    if (rows.length > 0) {
      const table = [
        '| Edit | Named by | Seconds to detection | Money paid on the tampered amount | What the API shows |',
        '| --- | --- | --- | --- | --- |',
        ...rows.map(
          (r) => `| ${r.edit} | ${r.detectedBy} | ${r.seconds.toFixed(1)} | ${r.money} | ${r.api} |`,
        ),
      ].join('\n');
      writeFileSync(TABLE_FILE, `${table}\n`);
      process.stdout.write(`\ninsider edits (also in ${TABLE_FILE}):\n${table}\n\n`);
    }
    ledger?.close();
    await rig?.close();
  });

  it('names every edit within a minute, pays nothing on a tampered amount, and shows the mismatch', async () => {
    const load = rig.load({
      claims: 1_000_000,
      shape: { kind: 'closed', concurrency: 4 },
      stop: () => !loading,
    });
    const paying = payInBackground();
    try {
      await untilTargets();
      await decisionAmount();
      await claimStatus();
      await worldStateRow();
      await ledgerTransaction();
      await blockTimestamp();
      await fundBalance();
      await allocationRow();
      await paymentRow();
    } finally {
      loading = false;
      await Promise.all([load, paying]);
    }
    await expectLedgerMoneyHolds();
    expect(rows.map((r) => r.edit)).toHaveLength(8);
  });

  // --- the edits ---------------------------------------------------------------------------------

  async function decisionAmount() {
    const id = await target('approved');
    const before = await claimView(id);
    const approved = before.decision.totals.approved as number;
    const restore = await edit(
      `UPDATE claim_decisions SET total_approved = total_approved + 1000000,
              lines = jsonb_set(lines, '{0,approved}', to_jsonb((lines->0->>'approved')::bigint + 1000000))
        WHERE claim_id = $1 AND revision = $2`,
      `UPDATE claim_decisions SET total_approved = total_approved - 1000000,
              lines = jsonb_set(lines, '{0,approved}', to_jsonb((lines->0->>'approved')::bigint - 1000000))
        WHERE claim_id = $1 AND revision = $2`,
      [id, before.revision],
    );
    const { view, seconds } = await untilClaimMismatch(id, 'decision.totals.approved');
    expect(view.decision.totals.approved).toBe(approved);
    const money = await payRefused(id, 'ledger_mismatch');
    await restore();
    await untilClaimOk(id);
    rows.push({
      edit: 'decision amount (`claim_decisions.total_approved` and a line +1,000,000)',
      detectedBy: 'reconciler',
      seconds,
      money,
      api: "`integrity: mismatch` on the claim, with the ledger's approved amount",
    });
  }

  async function claimStatus() {
    const id = await target('rejected');
    const restore = await edit(
      `UPDATE claims SET status = 'approved' WHERE id = $1`,
      `UPDATE claims SET status = 'rejected' WHERE id = $1`,
      [id],
    );
    const { view, seconds } = await untilClaimMismatch(id, 'status');
    expect(view.status).toBe('rejected');
    // Its decision in PostgreSQL still approves nothing; had it been raised too, the ledger would refuse.
    const money = await payRefused(id, 'nothing_to_pay', 'ledger_mismatch');
    await restore();
    await untilClaimOk(id);
    rows.push({
      edit: 'claim status (`claims.status` rejected → approved)',
      detectedBy: 'reconciler',
      seconds,
      money,
      api: "`integrity: mismatch`, the ledger's status `rejected`",
    });
  }

  async function worldStateRow() {
    const id = await target('approved');
    const key = claimKey(id, (await claimView(id)).revision);
    const [{ value }] = await rig.db.query(`SELECT value FROM ledger_state WHERE key = $1`, [key]);
    const restore = await edit(
      `UPDATE ledger_state SET value = convert_to(jsonb_set(convert_from(value, 'UTF8')::jsonb, '{totals,approved}',
              to_jsonb((convert_from(value, 'UTF8')::jsonb->'totals'->>'approved')::bigint + 1000000))::text, 'UTF8')
        WHERE key = $1`,
      `UPDATE ledger_state SET value = $2 WHERE key = $1`,
      [key],
      [key, value],
    );
    const { seconds } = await untilClaimMismatch(id, 'ledger');
    const checked = await runCli(['ledger', 'check']);
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain(`world state claim:${id}:`);
    const money = await payRefused(id, 'ledger_integrity');
    await restore();
    await untilClaimOk(id);
    rows.push({
      edit: 'world-state row (the decision in `ledger_state`, approved +1,000,000)',
      detectedBy: 'reconciler (ledger store check), `ledger check`',
      seconds,
      money,
      api: '`integrity: mismatch` on the claim; `409 ledger_integrity` for its payment and proof',
    });
  }

  async function ledgerTransaction() {
    const id = await target('approved');
    const [{ tx_id: txId, block_number: block, args }] = await rig.db.query(
      `SELECT s.tx_id, s.block_number, t.args FROM ledger_state s JOIN ledger_transactions t ON t.tx_id = s.tx_id
        WHERE s.key = $1`,
      [claimKey(id, (await claimView(id)).revision)],
    );
    const restore = await edit(
      `UPDATE ledger_transactions SET args = replace(args, '\\"status\\":\\"approved\\"', '\\"status\\":\\"rejected\\"')
        WHERE tx_id = $1`,
      `UPDATE ledger_transactions SET args = $2 WHERE tx_id = $1`,
      [txId],
      [txId, args],
    );
    const seconds = await untilLedgerProblem(`block:${block}`);
    const checked = await runCli(['ledger', 'check']);
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain(`block ${block} is bad`);
    const proof = await payer()('GET', `/v1/ledger/claims/${id}/proof`);
    expect(proof.status).toBe(409);
    const ready = await client(rig.baseUrl, FAULT_OPS_TOKEN)('GET', '/health/ready');
    expect(ready.body).toMatchObject({ status: 'degraded', integrity: { status: 'mismatch' } });
    await restore();
    expect((await runCli(['ledger', 'check'])).status).toBe(0);
    rows.push({
      edit: "ledger transaction (a decision batch's arguments in `ledger_transactions`)",
      detectedBy: 'reconciler (ledger store check), `ledger check`',
      seconds,
      money: 'none paid on it: the state it wrote still verifies, so payments use the recorded figures',
      api: '`/health/ready` degraded; `409 ledger_integrity` for the proofs of its claims',
    });
  }

  async function blockTimestamp() {
    const id = await target('approved');
    const [{ block }] = await rig.db.query(`SELECT block_number AS block FROM ledger_state WHERE key = $1`, [
      claimKey(id, (await claimView(id)).revision),
    ]);
    const restore = await edit(
      `UPDATE ledger_blocks SET created_at = created_at - interval '1 hour' WHERE number = $1`,
      `UPDATE ledger_blocks SET created_at = created_at + interval '1 hour' WHERE number = $1`,
      [block],
    );
    const seconds = await untilLedgerProblem(`block:${block}`);
    await untilClaimMismatch(id, 'ledger');
    const checked = await runCli(['ledger', 'check']);
    expect(checked.stderr).toContain(`block ${block} is bad: the block hash does not match its contents`);
    const money = await payRefused(id, 'ledger_integrity');
    await restore();
    await untilClaimOk(id);
    rows.push({
      edit: 'block timestamp (`ledger_blocks.created_at` −1 hour)',
      detectedBy: 'reconciler (ledger store check), `ledger check`',
      seconds,
      money,
      api: '`integrity: mismatch` on the claims of the block; `409 ledger_integrity` for their payments and proofs',
    });
  }

  async function fundBalance() {
    const asFunder = client(rig.baseUrl, funderKey);
    // No new payments while the fund's figure is lowered: a payment drawing on the headroom the edit
    // made would leave no room to put the 100,000 back (funds.allocated ≤ total), and what the
    // platform does with such a payment (the chaincode refuses what the ledger's fund lacks) is
    // what the allocation and payment rows below are about. Payments already sent still land.
    await new Promise<void>((paused) => (pause = { paused }));
    // A fund's allocations only grow: the figure the API shows was the ledger's at some moment
    // between this read and the one after the API's answer.
    const before = (await ledger.getFund(fundId))!.allocated;
    const restore = await edit(
      `UPDATE funds SET allocated = allocated - 100000 WHERE id = $1`,
      `UPDATE funds SET allocated = allocated + 100000 WHERE id = $1`,
      [fundId],
    );
    const started = Date.now();
    const fund = await until(async () => {
      const f = (await asFunder('GET', `/v1/funds/${fundId}`)).body;
      return f.integrity === 'mismatch' &&
        f.mismatches.some((m: { field: string }) => m.field === 'allocated')
        ? f
        : undefined;
    }, 'the fund mismatch');
    const seconds = (Date.now() - started) / 1000;
    const onLedger = (await ledger.getFund(fundId))!;
    expect(fund.total).toBe(onLedger.total);
    expect(fund.allocated).toBeGreaterThanOrEqual(before);
    expect(fund.allocated).toBeLessThanOrEqual(onLedger.allocated);
    await restore();
    pause = null;
    rows.push({
      edit: 'fund balance (`funds.allocated` −100,000)',
      detectedBy: 'reconciler',
      seconds,
      money: "none beyond the fund: the chaincode spends only what the ledger's fund has left",
      api: "`integrity: mismatch` on the fund, with the ledger's allocated and remaining",
    });
  }

  async function allocationRow() {
    const id = await target('paid from the fund');
    const restore = await edit(
      `UPDATE payment_allocations SET amount = amount + 500 WHERE claim_id = $1 AND released_at IS NULL`,
      `UPDATE payment_allocations SET amount = amount - 500 WHERE claim_id = $1 AND released_at IS NULL`,
      [id],
    );
    const { seconds } = await untilClaimMismatch(id, 'payment.allocations.');
    const audited = await runCli(['audit', fundId, '--api-url', rig.baseUrl, '--api-key', funderKey]);
    expect(audited.status).toBe(1);
    expect(audited.stdout).toContain(`MISMATCH: claim ${id}`);
    await restore();
    await untilClaimOk(id);
    rows.push({
      edit: 'allocation row (`payment_allocations.amount` +500)',
      detectedBy: 'reconciler, `audit`',
      seconds,
      money: 'already paid before the edit; the report no longer matches the ledger',
      api: '`integrity: mismatch` on the claim',
    });
  }

  async function paymentRow() {
    const id = await target('paid');
    const restore = await edit(
      `UPDATE payments SET amount = amount + 100000 WHERE claim_id = $1 AND refused_at IS NULL`,
      `UPDATE payments SET amount = amount - 100000 WHERE claim_id = $1 AND refused_at IS NULL`,
      [id],
    );
    const { seconds } = await untilClaimMismatch(id, 'payment.amount');
    await restore();
    await untilClaimOk(id);
    rows.push({
      edit: 'payment row (`payments.amount` +100,000)',
      detectedBy: 'reconciler',
      seconds,
      money: 'already paid before the edit, at the ledger amount',
      api: '`integrity: mismatch` on the claim',
    });
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** Runs an edit and returns how to put it back. */
  /** Runs an edit that must change at least one row; returns what undoes it. */
  async function edit(sql: string, undo: string, params: unknown[], undoParams: unknown[] = params) {
    const changed = async (statement: string, values: unknown[]) => {
      const result: unknown = await rig.db.query(statement, values);
      // An UPDATE answers [rows, affected]; anything else (a SELECT-based edit) its rows.
      const affected =
        Array.isArray(result) && typeof result[1] === 'number' ? result[1] : (result as unknown[]).length;
      if (affected < 1) throw new Error(`the edit changed no row: ${statement.trim().split('\n')[0]}`);
    };
    await changed(sql, params);
    return () => changed(undo, undoParams);
  }

  function claimKey(claimId: string, revision: number): Buffer {
    return Buffer.from(
      `\u0000claim\u0000${claimId}\u0000${String(revision).padStart(10, '0')}\u0000`,
      'utf8',
    );
  }

  async function claimView(id: string) {
    return (await payer()('GET', `/v1/claims/${id}`)).body;
  }

  /** A claim of this kind on the ledger, not used before, kept away from the background payer. */
  async function target(kind: 'approved' | 'rejected' | 'paid' | 'paid from the fund'): Promise<string> {
    const status = kind === 'paid from the fund' ? 'paid' : kind;
    const id = await until(async () => {
      const candidates: { id: string }[] = await rig.db.query(
        `SELECT c.id FROM claims c
           JOIN ledger_outbox o ON o.kind = 'decision' AND o.claim_id = c.id AND o.revision = c.revision
                               AND o.outcome = 'recorded'
          WHERE c.status = $1
            AND ($1 <> 'paid' OR EXISTS (SELECT 1 FROM payments p JOIN ledger_outbox po ON po.id = p.ledger_outbox_id
                                          WHERE p.claim_id = c.id AND p.refused_at IS NULL AND po.outcome = 'recorded'))
            AND ($2 <> 'paid from the fund' OR EXISTS (SELECT 1 FROM payment_allocations a
                                                        WHERE a.claim_id = c.id AND a.released_at IS NULL))
          ORDER BY c.created_at DESC LIMIT 20`,
        [status, kind],
      );
      return candidates.map((c) => c.id).find((c) => !reserved.has(c));
    }, `a ${kind} claim on the ledger`);
    reserved.add(id);
    return id;
  }

  /** Waits until there is something of every kind to tamper with. */
  async function untilTargets() {
    await until(async () => {
      const [{ approved, rejected, paid }] = await rig.db.query(
        `SELECT count(*) FILTER (WHERE status = 'approved')::int AS approved,
                count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
                count(*) FILTER (WHERE status = 'paid')::int AS paid FROM claims`,
      );
      return approved >= 10 && rejected >= 2 && paid >= 10 ? true : undefined;
    }, 'claims to tamper with');
  }

  /** The payer pays decided claims as they reach the ledger, leaving the edits' targets alone. */
  async function payInBackground() {
    while (loading) {
      if (pause) {
        pause.paused();
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      const ready: { id: string }[] = await rig.db.query(
        `SELECT c.id FROM claims c
           JOIN ledger_outbox o ON o.kind = 'decision' AND o.claim_id = c.id AND o.revision = c.revision
                               AND o.committed_at IS NOT NULL
          WHERE c.status IN ('approved', 'partially_approved') ORDER BY c.created_at LIMIT 60`,
      );
      const items = ready.filter((r) => !reserved.has(r.id)).slice(0, 40);
      if (items.length > 0)
        await payer()('POST', '/v1/payments/batch', { payments: items.map((r) => ({ claimId: r.id })) });
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  async function untilClaimMismatch(id: string, field: string) {
    const started = Date.now();
    const view = await until(async () => {
      const v = await claimView(id);
      return v.integrity === 'mismatch' &&
        v.mismatches.some((m: { field: string }) => m.field.startsWith(field))
        ? v
        : undefined;
    }, `the reconciler to name ${field} of claim ${id}`);
    return { view, seconds: (Date.now() - started) / 1000 };
  }

  async function untilClaimOk(id: string) {
    await until(
      async () => ((await claimView(id)).integrity === 'ok' ? true : undefined),
      `claim ${id} to agree again`,
    );
  }

  async function untilLedgerProblem(subject: string): Promise<number> {
    const started = Date.now();
    await until(async () => {
      const [row] = await rig.db.query(
        `SELECT 1 FROM integrity_mismatches WHERE subject_type = 'ledger' AND subject_id = $1 AND resolved_at IS NULL`,
        [subject],
      );
      return row ? true : undefined;
    }, `the ledger store check to name ${subject}`);
    return (Date.now() - started) / 1000;
  }

  /** Tries to pay a tampered claim: it must be refused with one of `codes`, and nothing paid. */
  async function payRefused(id: string, ...codes: string[]): Promise<string> {
    const paid = await payer()('POST', `/v1/claims/${id}/payments`, {});
    const code = String(paid.body?.type ?? '')
      .replace('urn:claimtrail:problem:', '')
      .replace(/-/g, '_');
    expect(paid.status >= 400 && paid.status < 500).toBe(true);
    expect(codes).toContain(code);
    const [{ n }] = await rig.db.query(`SELECT count(*)::int AS n FROM payments WHERE claim_id = $1`, [id]);
    expect(n).toBe(0);
    return `none: \`${paid.status} ${code}\``;
  }

  /** On the ledger, no fund is spent beyond its total, and no payment beyond its decision. */
  async function expectLedgerMoneyHolds() {
    const fund = (await ledger.getFund(fundId))!;
    const allocations = await ledger.getFundAllocations(fundId);
    expect(fund.allocated).toBeLessThanOrEqual(fund.total);
    expect(allocations.reduce((s, a) => s + a.amount, 0)).toBe(fund.allocated);
    const paid: { id: string }[] = await rig.db.query(`SELECT DISTINCT claim_id AS id FROM payments`);
    const ids = paid.map((p) => p.id);
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of await ledger.claimRecords(ids.slice(i, i + 500))) {
        if (!r.payment) continue;
        const decision = r.decisions.find((d) => d.revision === r.payment!.revision)!;
        expect(r.payment.amount).toBeLessThanOrEqual(decision.totals.approved);
      }
    }
    expect((await runCli(['ledger', 'check'])).status).toBe(0);
  }

  async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + DETECTION_LIMIT_MS;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`waited ${DETECTION_LIMIT_MS / 1000} s for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
});
