import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { AccessLogAnchorService } from '@claimtrail/claims/access/access-log/access-log-anchor.service';
import { AccessLogVerifier } from '@claimtrail/claims/access/access-log/access-log-verifier';
import { chainedEntryOf } from '@claimtrail/claims/infra/repositories/access-log-rows';
import { AccessLogWriter } from '@claimtrail/claims/access/access-log/access-log-writer';
import { chainRows } from '@claimtrail/claims/domain/access-log-chain';
import { runCli } from '../../support/cli';
import { buildScenario, consultationClaim, type Scenario } from '../../support/scenario';
import { client, startStack, type Stack } from '../../support/stack';

interface Row {
  seq: string;
  action: string;
  organization_id: string | null;
  api_key_id: string | null;
  user_id: string | null;
  method: string;
  route: string;
  status: number;
  subject_ids: string[];
  subject_count: number | null;
  cursor: string | null;
  client_address: string | null;
  key_prefix: string | null;
  request_id: string | null;
}

/** Audit controls (45 CFR 164.312(b)): reads, refusals and key events are logged in a tamper-evident chain. */
describe('M4 audit controls', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  const claimIds: string[] = [];
  let memberId: string;
  const tag = `aud${Date.now().toString(36)}`;

  /** Rows written for one request, once the in-process buffer has been flushed. */
  const rowsOf = async (requestId: string | null): Promise<Row[]> => {
    await stack.api.get(AccessLogWriter).flush();
    return db.query(`SELECT * FROM access_log WHERE request_id = $1 ORDER BY seq`, [requestId]);
  };

  beforeAll(async () => {
    stack = await startStack({ ACCESS_LOG_ANCHOR_INTERVAL_MS: '0' });
    db = stack.api.get<DataSource>(getDataSourceToken());
    s = await buildScenario(stack.baseUrl, tag);
    const provider = client(stack.baseUrl, s.providers[0].key);
    for (const n of [1, 2, 3]) {
      const r = await provider('POST', '/v1/claims', consultationClaim(s, `${tag}-${n}`));
      expect(r.status).toBe(202);
      claimIds.push(r.body.id);
    }
    const enrol = await client(stack.baseUrl, s.payer.key)('POST', '/v1/members', {
      members: [
        {
          memberNumber: `M-${tag}`,
          planId: s.planId,
          fullName: 'Akinyi Achieng',
          birthDate: '1995-02-11',
          sex: 'F',
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        },
      ],
    });
    expect(enrol.status).toBe(201);
    memberId = enrol.body.members[0].id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('M4: a page of claims and a member read are logged with who, what, when, where from and the outcome', async () => {
    const provider = client(stack.baseUrl, s.providers[0].key);
    const page = await provider('GET', '/v1/claims?limit=2');
    expect(page.status).toBe(200);
    const [list] = await rowsOf(page.headers.get('x-request-id'));
    expect(list).toMatchObject({
      action: 'list_claims',
      organization_id: s.providers[0].id,
      api_key_id: expect.any(String),
      user_id: null,
      method: 'GET',
      route: '/v1/claims',
      status: 200,
      subject_count: 2,
      client_address: '127.0.0.1',
    });
    // A list page logs the ids it returned and the cursor that leads past them.
    expect(list.subject_ids).toEqual(page.body.items.map((c: { id: string }) => c.id));
    expect(list.cursor).toBe(page.body.nextCursor);

    const member = await client(stack.baseUrl, s.payer.key)('GET', `/v1/members/${memberId}`);
    expect(member.status).toBe(200);
    const [read] = await rowsOf(member.headers.get('x-request-id'));
    expect(read).toMatchObject({
      action: 'read_member',
      organization_id: s.payer.id,
      route: '/v1/members/:id',
      status: 200,
      subject_ids: [memberId],
    });

    // The operator's read of the log still finds who read a claim, including through a list page.
    const log = await client(stack.baseUrl, s.operatorKey)(
      'GET',
      `/v1/access-log?claimId=${list.subject_ids[0]}`,
    );
    expect(log.status).toBe(200);
    expect(log.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organizationId: s.providers[0].id, action: 'list_claims', status: 200 }),
      ]),
    );
  });

  it('M4: refusals are logged: 401 with the presented key prefix only, 403, and 404 on another tenant’s claim', async () => {
    const forged = `ct_${'0f'.repeat(6)}_${'Z'.repeat(43)}`;
    const anon = await client(stack.baseUrl, forged)('GET', '/v1/claims');
    expect(anon.status).toBe(401);
    const [unauth] = await rowsOf(anon.headers.get('x-request-id'));
    expect(unauth).toMatchObject({
      action: 'refused',
      status: 401,
      organization_id: null,
      api_key_id: null,
      key_prefix: '0f'.repeat(6),
      route: '/v1/claims',
    });
    expect(JSON.stringify(unauth)).not.toContain('Z'.repeat(43));

    const forbidden = await client(stack.baseUrl, s.providers[0].key)('GET', '/v1/access-log');
    expect(forbidden.status).toBe(403);
    const [refused] = await rowsOf(forbidden.headers.get('x-request-id'));
    expect(refused).toMatchObject({ action: 'refused', status: 403, organization_id: s.providers[0].id });

    const foreign = await client(stack.baseUrl, s.providers[1].key)('GET', `/v1/claims/${claimIds[0]}`);
    expect(foreign.status).toBe(404);
    const [missing] = await rowsOf(foreign.headers.get('x-request-id'));
    expect(missing).toMatchObject({
      action: 'read_claim',
      status: 404,
      organization_id: s.providers[1].id,
      subject_ids: [claimIds[0]],
    });
  });

  it('M4: issuing, rotating and revoking a key are logged with who did it', async () => {
    const own = client(stack.baseUrl, s.funder.key);
    const made = await own('POST', `/v1/organizations/${s.funder.id}/keys`, { label: 'audit' });
    expect(made.status).toBe(201);
    const rotated = await own('POST', `/v1/organizations/${s.funder.id}/keys/${made.body.id}/rotate`, {
      graceSeconds: 0,
    });
    expect(rotated.status).toBe(201);
    const revoked = await own(
      'POST',
      `/v1/organizations/${s.funder.id}/keys/${rotated.body.current.id}/revoke`,
    );
    expect(revoked.status).toBe(200);
    await stack.api.get(AccessLogWriter).flush();
    const events: Row[] = await db.query(
      `SELECT * FROM access_log WHERE action LIKE 'key_%' AND ($1 = ANY(subject_ids) OR $2 = ANY(subject_ids)) ORDER BY seq`,
      [made.body.id, rotated.body.current.id],
    );
    expect(events.map((e) => [e.action, e.subject_ids])).toEqual([
      ['key_issued', [made.body.id]],
      ['key_rotated', [made.body.id, rotated.body.current.id]],
      ['key_revoked', [rotated.body.current.id]],
    ]);
    for (const e of events)
      expect(e).toMatchObject({ organization_id: s.funder.id, api_key_id: expect.any(String) });
    // The first key of a new organization is an issue by the operator.
    const [first] = await db.query(
      `SELECT * FROM access_log WHERE action = 'key_issued' AND detail->>'organizationId' = $1`,
      [s.payer.id],
    );
    expect(first).toMatchObject({ action: 'key_issued' });
  });

  it("M4: key changes made from the command line are logged too, as nobody's organization and key", async () => {
    const created = await runCli([
      'org',
      'create',
      '--kind',
      'provider',
      '--name',
      'M4 command line',
      '--json',
    ]);
    expect(created.status).toBe(0);
    const org = JSON.parse(created.stdout) as { id: string };
    const [first] = (await db.query(`SELECT id FROM api_keys WHERE organization_id = $1`, [org.id])) as {
      id: string;
    }[];
    const revoked = await runCli(['org', 'keys', 'revoke', '--org', org.id, '--key', first.id]);
    expect(revoked.status).toBe(0);
    const recovered = await runCli(['org', 'keys', 'recover', '--org', org.id]);
    expect(recovered.status).toBe(0);
    const events: Row[] = await db.query(
      `SELECT * FROM access_log WHERE action LIKE 'key_%' AND detail->>'organizationId' = $1 ORDER BY seq`,
      [org.id],
    );
    expect(events.map((e) => [e.action, e.route, e.organization_id, e.api_key_id])).toEqual([
      ['key_issued', 'organizations.create', null, null],
      ['key_revoked', 'api-keys.revoke', null, null],
      ['key_issued', 'api-keys.recover', null, null],
    ]);
  });

  it('M4: the application cannot UPDATE, DELETE or TRUNCATE access_log', async () => {
    await stack.api.get(AccessLogWriter).flush();
    await expect(db.query(`UPDATE access_log SET status = 200 WHERE status = 401`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE access_log`)).rejects.toThrow(/append-only/);
    const verdict = await stack.api.get(AccessLogVerifier).verify();
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.rowsChecked).toBeGreaterThan(5);
  });

  it('M4: the chain head is anchored on the ledger, without PHI, and the verifier compares it', async () => {
    const ledger = stack.worker.get<LedgerPort>(LEDGER);
    const anchored = await stack.worker.get(AccessLogAnchorService).anchor();
    expect(anchored).not.toBeNull();
    const [head] = await db.query(`SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1`);
    expect(anchored).toMatchObject({ seq: Number(head.seq), hash: head.hash });
    const anchors = await ledger.accessLogAnchors(0);
    expect(anchors[anchors.length - 1]).toMatchObject({ seq: Number(head.seq), hash: head.hash });
    expect(Object.keys(anchors[0]).sort()).toEqual([
      'docType',
      'hash',
      'recordedAt',
      'recordedBy',
      'seq',
      'txId',
    ]);
    // Nothing new: no second anchor.
    expect(await stack.worker.get(AccessLogAnchorService).anchor()).toBeNull();
    expect(await stack.api.get(AccessLogVerifier).verify()).toMatchObject({
      ok: true,
      anchorsChecked: anchors.length,
    });
  });

  /** Recomputes every hash from row `seq` on, as an insider covering an edit would. */
  async function rechainFrom(seq: number): Promise<void> {
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT * FROM access_log WHERE seq >= $1 ORDER BY seq`,
      [seq],
    );
    const [prev] = await db.query(`SELECT hash FROM access_log WHERE seq = $1`, [seq - 1]);
    for (const r of chainRows(rows.map(chainedEntryOf), seq, prev?.hash ?? null))
      await db.query(`UPDATE access_log SET prev_hash = $2, hash = $3 WHERE seq = $1`, [
        r.seq,
        r.prevHash,
        r.hash,
      ]);
  }

  it('M4: an edit made after the owner drops the trigger is named by the verifier, even with the chain recomputed', async () => {
    // Some rows after the anchor, so the rewrite starts before and ends after it.
    await client(stack.baseUrl, s.providers[0].key)('GET', '/v1/claims?limit=1');
    await stack.api.get(AccessLogWriter).flush();
    const [victim] = await db.query(
      `SELECT seq, client_address FROM access_log WHERE action = 'list_claims' ORDER BY seq LIMIT 1`,
    );
    // The database owner can do this; the application's own statements cannot (previous test).
    await db.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`);
    try {
      await db.query(`UPDATE access_log SET client_address = '203.0.113.9' WHERE seq = $1`, [victim.seq]);
      const edited = await stack.api.get(AccessLogVerifier).verify();
      expect(edited).toMatchObject({ ok: false, firstBadSeq: Number(victim.seq) });
      expect(edited.reason).toMatch(/hash/);
      const cli = await runCli(['access-log', 'verify']);
      expect(cli.status).toBe(1);
      expect(cli.stdout + cli.stderr).toContain(`seq ${victim.seq}`);

      // Rewriting every hash from the edited row on makes the chain consistent again, but not with the ledger.
      await rechainFrom(Number(victim.seq));
      const rewritten = await stack.api.get(AccessLogVerifier).verify();
      expect(rewritten).toMatchObject({ ok: false });
      expect(rewritten.firstBadSeq).toBeLessThanOrEqual(Number(victim.seq));
      expect(rewritten.reason).toMatch(/anchor/);

      // Put the original back: the chain verifies again.
      await db.query(`UPDATE access_log SET client_address = $2 WHERE seq = $1`, [
        victim.seq,
        victim.client_address,
      ]);
      await rechainFrom(Number(victim.seq));
    } finally {
      await db.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_append_only`);
    }
    expect(await stack.api.get(AccessLogVerifier).verify()).toMatchObject({ ok: true });
    expect((await runCli(['access-log', 'verify'])).status).toBe(0);
  });
});
