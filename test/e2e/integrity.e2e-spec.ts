import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTrust } from '../support/trust';
import { runCli } from '../support/cli';
import { buildScenario, type Scenario } from '../support/scenario';
import { client, eventually, startStack, TEST_OPS_TOKEN, type Stack } from '../support/stack';

/**
 * PostgreSQL held against the ledger: an insider edits the database behind the platform's back,
 * the reconciler names the difference, and the API shows the ledger's figure with
 * `integrity: "mismatch"` instead of serving the altered one; undone, the mismatch resolves.
 */
describe('the reconciler and what the API shows of a mismatch', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  const tag = `integ${Date.now().toString(36)}`;
  const claims: { approved: string; rejected: string } = { approved: '', rejected: '' };
  let fundId = '';

  const asPayer = () => client(stack.baseUrl, s.payer.key);
  const claimView = async (id: string) => (await asPayer()('GET', `/v1/claims/${id}`)).body;
  const reconcile = (...args: string[]) => runCli(['ledger', 'reconcile', ...args]);

  async function onLedger(id: string) {
    return eventually(
      async () => ((await claimView(id)).ledger ? true : undefined),
      60_000,
      `claim ${id} on the ledger`,
    );
  }

  beforeAll(async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '8', RECONCILE_INTERVAL_MS: '500' });
    db = stack.api.get<DataSource>(getDataSourceToken());
    s = await buildScenario(stack.baseUrl, tag);
    const submit = (
      externalRef: string,
      lines: { serviceCode: string; quantity: number; unitPrice: number }[],
    ) =>
      client(stack.baseUrl, s.providers[0].key)('POST', '/v1/claims', {
        externalRef,
        payerId: s.payer.id,
        memberNumber: s.members.active,
        serviceDate: '2026-03-02',
        careType: 'outpatient',
        currency: 'KES',
        diagnoses: ['B54'],
        lines,
      });
    const approved = await submit(`${tag}-ok`, [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }]);
    // A service the member's lapsed cover cannot pay: rejected.
    const rejected = await client(stack.baseUrl, s.providers[0].key)('POST', '/v1/claims', {
      externalRef: `${tag}-no`,
      payerId: s.payer.id,
      memberNumber: s.members.lapsed,
      serviceDate: '2026-03-02',
      careType: 'outpatient',
      currency: 'KES',
      diagnoses: ['B54'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });
    expect([approved.status, rejected.status]).toEqual([202, 202]);
    claims.approved = approved.body.id;
    claims.rejected = rejected.body.id;
    await onLedger(claims.approved);
    await onLedger(claims.rejected);
    expect((await claimView(claims.approved)).status).toBe('approved');
    expect((await claimView(claims.rejected)).status).toBe('rejected');
    const fund = await client(stack.baseUrl, s.funder.key)('POST', '/v1/funds', {
      name: 'Integrity fund',
      currency: 'KES',
      budget: 1_000_000,
      period: { start: '2026-01-01', end: '2026-12-31' },
      // Suites share the database: an unearmarked fund would pay other suites' claims.
      earmarks: { payerIds: [s.payer.id] },
    });
    expect(fund.status).toBe(201);
    fundId = fund.body.id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  // Suites share the database: what this one asserts is about its own claims and fund.
  const mine = (output: string) =>
    output.split('\n').filter((l) => [claims.approved, claims.rejected, fundId].some((id) => l.includes(id)));

  it('finds PostgreSQL in agreement with the ledger when nothing was touched', async () => {
    const full = await reconcile('--full');
    expect(full.stdout).toMatch(/full reconciliation: \d+ claims and \d+ funds, \d+ ledger records/);
    expect(mine(full.stderr)).toEqual([]);
    expect((await claimView(claims.approved)).integrity).toBe('ok');
    const ready = await client(stack.baseUrl, TEST_OPS_TOKEN)('GET', '/health/ready');
    expect(ready.body).toMatchObject({
      checks: { postgres: { status: 'up' } },
      integrity: expect.any(Object),
    });
  });

  it('names a raised decision amount and shows the ledger figure in its place', async () => {
    const before = await claimView(claims.approved);
    const approved = before.decision.totals.approved as number;
    await db.query(
      `UPDATE claim_decisions SET total_approved = total_approved + 1000000 WHERE claim_id = $1`,
      [claims.approved],
    );
    const view = await eventually(
      async () => {
        const v = await claimView(claims.approved);
        return v.integrity === 'mismatch' ? v : undefined;
      },
      60_000,
      'the reconciler to name the raised amount',
    );
    expect(view.mismatches).toContainEqual(
      expect.objectContaining({
        field: 'decision.totals.approved',
        database: approved + 1_000_000,
        ledger: approved,
      }),
    );
    expect(view.decision.totals.approved).toBe(approved);

    const ready = await client(stack.baseUrl, TEST_OPS_TOKEN)('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', integrity: { status: 'mismatch' } });
    expect(ready.body.integrity.open.claim).toBeGreaterThanOrEqual(1);
    const metrics = await client(stack.baseUrl, TEST_OPS_TOKEN)('GET', '/metrics');
    expect(metrics.body).toMatch(/claimtrail_integrity_mismatches\{subject="claim"\} [1-9]/);
    const cli = await reconcile('--full');
    expect(cli.status).toBe(1);
    expect(mine(cli.stderr)).toEqual([
      `MISMATCH: claim ${claims.approved} decision.totals.approved: database ${approved + 1_000_000}, ledger ${approved}`,
    ]);

    // Deleting what the reconciler recorded hides nothing: its next pass compares the claim again.
    const [, deleted] = (await db.query(`DELETE FROM integrity_mismatches WHERE subject_id = $1`, [
      claims.approved,
    ])) as [unknown, number];
    expect(deleted).toBeGreaterThan(0);
    await eventually(
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM integrity_mismatches WHERE subject_id = $1 AND resolved_at IS NULL`,
          [claims.approved],
        );
        return n > 0 ? true : undefined;
      },
      60_000,
      'the reconciler to name the raised amount again',
    );

    await db.query(
      `UPDATE claim_decisions SET total_approved = total_approved - 1000000 WHERE claim_id = $1`,
      [claims.approved],
    );
    await eventually(
      async () => ((await claimView(claims.approved)).integrity === 'ok' ? true : undefined),
      60_000,
      'the mismatch to resolve once the amount is restored',
    );
  });

  it("names a claim status changed from rejected to approved, and shows the ledger's status", async () => {
    await db.query(`UPDATE claims SET status = 'approved' WHERE id = $1`, [claims.rejected]);
    const view = await eventually(
      async () => {
        const v = await claimView(claims.rejected);
        return v.integrity === 'mismatch' ? v : undefined;
      },
      60_000,
      'the reconciler to name the changed status',
    );
    expect(view.mismatches).toContainEqual(
      expect.objectContaining({ field: 'status', database: 'approved', ledger: 'rejected' }),
    );
    expect(view.status).toBe('rejected');
    await db.query(`UPDATE claims SET status = 'rejected' WHERE id = $1`, [claims.rejected]);
  });

  it('checks that a proof passes through a head kept earlier', async () => {
    const kept = (await asPayer()('GET', '/v1/ledger/head')).body as {
      blockNumber: number;
      blockHash: string;
    };
    const proof = (await asPayer()('GET', `/v1/ledger/claims/${claims.approved}/proof`)).body;
    const dir = mkdtempSync(join(tmpdir(), 'claimtrail-kept-'));
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(proof));
    const { path: trustPath } = await fetchTrust(stack.baseUrl, dir);
    const verify = (head: string) =>
      runCli(['verify', join(dir, 'proof.json'), '--trust', trustPath, '--kept-head', head]);
    if (proof.ledger === 'fabric') {
      expect((await verify(`${proof.blockNumber}:${proof.blockHash}`)).status).toBe(0);
      return;
    }
    // A proof ending at a checkpoint covers blocks up to it only: keep the checkpoint then.
    if (proof.head.checkpoint && kept.blockNumber > proof.head.number) {
      const beyond = await verify(`${kept.blockNumber}:${kept.blockHash}`);
      expect(beyond.stdout).toContain('cannot compare them');
      expect(beyond.status).toBe(0);
      Object.assign(kept, { blockNumber: proof.head.number, blockHash: proof.head.hash });
    }
    const ok = await verify(`${kept.blockNumber}:${kept.blockHash}`);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const forked = await verify(`${kept.blockNumber}:${'0'.repeat(64)}`);
    expect(forked.status).toBe(1);
    expect(forked.stderr).toContain(`block ${kept.blockNumber} in the proof's history has hash`);
    expect(forked.stderr).toContain('the ledger was rewritten');
    const later = await verify(`${kept.blockNumber + 1_000_000}:${kept.blockHash}`);
    if (proof.head.checkpoint) expect(later.stdout).toContain('cannot compare them');
    else expect(later.stderr).toContain('the ledger was rolled back');
  });

  it("names a fund balance lowered in PostgreSQL, and shows the ledger's balance", async () => {
    const asFunder = client(stack.baseUrl, s.funder.key);
    await db.query(`UPDATE funds SET total = total + 5000000 WHERE id = $1`, [fundId]);
    const fund = await eventually(
      async () => {
        const f = (await asFunder('GET', `/v1/funds/${fundId}`)).body;
        return f.integrity === 'mismatch' ? f : undefined;
      },
      60_000,
      'the reconciler to name the changed fund',
    );
    expect(fund.mismatches).toContainEqual(
      expect.objectContaining({ field: 'total', database: 6_000_000, ledger: 1_000_000 }),
    );
    expect(fund).toMatchObject({ total: 1_000_000, remaining: 1_000_000 });
    await db.query(`UPDATE funds SET total = total - 5000000 WHERE id = $1`, [fundId]);
    await eventually(
      async () => ((await asFunder('GET', `/v1/funds/${fundId}`)).body.integrity === 'ok' ? true : undefined),
      60_000,
      'the fund mismatch to resolve',
    );
  });
});
