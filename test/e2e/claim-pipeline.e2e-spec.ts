import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  isFabricProof,
  LEDGER,
  verifyProofBundle,
  type FabricProofBundle,
  type LedgerPort,
  type ProofBundle,
} from '@claimtrail/ledger';
import { readEnvelope } from '@claimtrail/ledger/proof/fabric/fabric-block';
import { replayDecision } from '@claimtrail/claims/adjudication/replay';
import { adjudicationRepositoryOn } from '@claimtrail/claims/infra/repositories/typeorm-adjudication.repository';
import { fetchTrust } from '../support/trust';
import { runCli } from '../support/cli';
import { apiClient, expectStatus, OPENAPI_PATH } from '../support/api-client';
import { buildScenario, type ClaimBody, type Scenario } from '../support/scenario';
import { eventually, startStack, type Stack } from '../support/stack';

// The same suite runs on the embedded ledger (npm test) and on a Fabric network (npm run test:fabric).
const LEDGER_KIND = process.env.LEDGER === 'fabric' ? 'fabric' : 'embedded';

type Expectation = { status: string; reasons: string[]; approved: number };
type Case = { body: ClaimBody; providerKey: string; expect: Expectation };

const line = (serviceCode: string, unitPrice: number, quantity = 1) => ({ serviceCode, quantity, unitPrice });

/** 200 claims that exercise every rule of the pipeline, each with the decision it must get. */
function claimMix(s: Scenario, tag: string): Case[] {
  const cases: Case[] = [];
  const add = (n: number, make: (i: number) => Case) => {
    for (let i = 0; i < n; i++) cases.push(make(i));
  };
  // One member, so every claim gets its own service date: the same service on the same day twice
  // would (rightly) be rejected as a duplicate.
  let visit = 0;
  const nextDate = () => new Date(Date.UTC(2026, 2, 1) + visit++ * 86_400_000).toISOString().slice(0, 10);
  const base = (ref: string, member = s.members.active) => ({
    externalRef: `${tag}-${ref}`,
    payerId: s.payer.id,
    memberNumber: member,
    serviceDate: nextDate(),
    currency: 'KES',
    diagnoses: ['B54'],
  });
  const clinic = (i: number) => s.providers[i % 2].key;
  add(100, (i) => ({
    body: {
      ...base(`ok-${i}`),
      lines: [line('CONS-GP', 150000), line('LAB-MRDT', 30000), line('DRUG-AL', 45000, 1 + (i % 3))],
    },
    providerKey: clinic(i),
    expect: { status: 'approved', reasons: [], approved: 180000 + 45000 * (1 + (i % 3)) },
  }));
  add(30, (i) => ({
    body: { ...base(`price-${i}`), lines: [line('CONS-GP', 180000), line('DRUG-PCM', 5000, 2)] },
    providerKey: clinic(i),
    expect: { status: 'partially_approved', reasons: ['PRICE_ABOVE_TARIFF'], approved: 160000 },
  }));
  add(20, (i) => ({
    body: {
      ...base(`tariff-${i}`),
      diagnoses: ['J18.9'],
      lines: [line('CONS-GP', 150000), line('IMG-XRAY-CH', 250000)],
    },
    providerKey: clinic(i),
    expect: { status: 'partially_approved', reasons: ['SERVICE_NOT_IN_TARIFF'], approved: 150000 },
  }));
  add(10, (i) => ({
    body: { ...base(`xray-${i}`), lines: [line('IMG-XRAY-CH', 250000)] },
    providerKey: clinic(i),
    expect: { status: 'rejected', reasons: ['SERVICE_NOT_IN_TARIFF'], approved: 0 },
  }));
  add(20, (i) => ({
    body: { ...base(`lapsed-${i}`, s.members.lapsed), lines: [line('CONS-GP', 150000)] },
    providerKey: clinic(i),
    expect: { status: 'rejected', reasons: ['MEMBER_NOT_COVERED'], approved: 0 },
  }));
  add(20, (i) => ({
    body: { ...base(`outsider-${i}`), lines: [line('CONS-GP', 150000)] },
    providerKey: s.outsider.key,
    expect: { status: 'rejected', reasons: ['PROVIDER_NOT_CONTRACTED'], approved: 0 },
  }));
  return cases;
}

describe('claim pipeline, end to end', () => {
  let stack: Stack;
  let scenario: Scenario;
  let db: DataSource;
  const tag = `e2e${Date.now().toString(36)}`;
  const submitted: { id: string; c: Case }[] = [];

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
    scenario = await buildScenario(stack.baseUrl, tag);
    // The outsider holds a contract with the payer under another plan only: its claims reach the
    // rules, which find it not contracted by the member's plan (a provider with no contract with
    // the payer at all is refused at submission, as for an unknown member).
    const other = await apiClient(stack.baseUrl, scenario.payer.key).POST('/v1/plans', {
      body: {
        name: 'Jamii Outsiders',
        ruleSet: {
          currency: 'KES',
          coverage: { start: '2026-01-01', end: '2026-12-31' },
          contractedProviders: [scenario.outsider.id],
          tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
        },
      },
    });
    expectStatus(other, 201);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('serves at /docs-json the OpenAPI document the typed client is generated from', async () => {
    const served = await fetch(`${stack.baseUrl}/docs-json`);
    expect(served.status).toBe(200);
    // A difference means docs/openapi.json and the client are stale: npm run openapi.
    expect(await served.json()).toEqual(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')));
  });

  it('accepts 200 claims with 202 and an id', async () => {
    const cases = claimMix(scenario, tag);
    expect(cases).toHaveLength(200);
    for (let i = 0; i < cases.length; i += 20) {
      const results = await Promise.all(
        cases.slice(i, i + 20).map(async (c) => ({
          c,
          r: await apiClient(stack.baseUrl, c.providerKey).POST('/v1/claims', { body: c.body }),
        })),
      );
      for (const { c, r } of results) {
        const accepted = expectStatus(r, 202);
        expect(accepted).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'received' });
        submitted.push({ id: accepted.id, c });
      }
    }
  });

  it('treats the external reference as the idempotency key', async () => {
    const { id, c } = submitted[0];
    const provider = apiClient(stack.baseUrl, c.providerKey);
    const again = await provider.POST('/v1/claims', { body: c.body });
    expect(expectStatus(again, 202).id).toBe(id);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');

    const changed = await provider.POST('/v1/claims', { body: { ...c.body, serviceDate: '2026-03-15' } });
    expect(changed.response.status).toBe(409);
    expect(changed.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(changed.error?.errors).toEqual([expect.objectContaining({ field: 'externalRef' })]);
  });

  it('decides every claim as its rules say and records it on the ledger', async () => {
    for (const { id, c } of submitted) {
      const claim = await eventually(
        async () => {
          const r = await apiClient(stack.baseUrl, c.providerKey).GET('/v1/claims/{id}', {
            params: { path: { id } },
          });
          const view = expectStatus(r, 200);
          return view.ledger ? view : undefined;
        },
        90_000,
        `claim ${id} on the ledger`,
      );
      expect(claim.status).toBe(c.expect.status);
      expect(claim.decision?.totals.approved).toBe(c.expect.approved);
      expect(claim.decision?.ruleSetHash).toBe(scenario.ruleSetHash);
      const reasons = new Set(claim.decision?.lines.flatMap((l) => l.reasonCodes));
      expect([...reasons].sort()).toEqual(c.expect.reasons);
      expect(claim.ledger).toEqual({ txId: expect.any(String), block: expect.any(Number) });
    }
  });

  it('holds exactly one ledger record per claim, and the payer reads the same claims', async () => {
    const ledger = stack.api.get<LedgerPort>(LEDGER);
    for (const { id } of submitted) {
      const history = await ledger.getClaimHistory(id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ claimId: id, revision: 1, payerId: scenario.payer.id });
    }
    const asPayer = apiClient(stack.baseUrl, scenario.payer.key);
    let seen = 0;
    let cursor: string | null = null;
    do {
      const query: { limit: number; cursor?: string } = cursor ? { limit: 70, cursor } : { limit: 70 };
      const page = expectStatus(await asPayer.GET('/v1/claims', { params: { query } }), 200);
      seen += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toBe(200);
  });

  it('replays every decision to the identical outcome', async () => {
    for (const { id } of submitted) {
      const result = await replayDecision(adjudicationRepositoryOn(db), id);
      expect({ id, differences: result.differences }).toEqual({ id, differences: [] });
    }
    const cli = await runCli(['replay', submitted[0].id]);
    expect(cli.stdout).toMatch(/^IDENTICAL/);
    expect(cli.status).toBe(0);
  });

  it('gives a proof for every claim that verifies offline', async () => {
    const asFunder = apiClient(stack.baseUrl, scenario.funder.key);
    const { trust } = await fetchTrust(stack.baseUrl);
    for (const { id } of submitted) {
      const r = await asFunder.GET('/v1/ledger/claims/{id}/proof', { params: { path: { id } } });
      expect(verifyProofBundle(expectStatus(r, 200), trust)).toEqual({ ok: true });
    }
    const head = expectStatus(await asFunder.GET('/v1/ledger/head'), 200);
    expect(head.blockNumber).toBeGreaterThan(0);
  });

  it('puts no PHI in any ledger record or funder-facing answer', async () => {
    const members = (await db.query(`SELECT member_number, member_ref FROM members WHERE payer_id = $1`, [
      scenario.payer.id,
    ])) as { member_number: string }[];
    // Values that identify a person or reveal their care: names, birth dates, member numbers,
    // diagnosis and service codes, and the clinics' own claim references.
    const phi = [
      'Wanjiru Kamau',
      '+254 712 345678',
      '712 345678',
      'Otieno Odhiambo',
      '1990-04-12',
      '1984-09-30',
      ...members.map((m) => m.member_number),
      ...new Set(
        submitted.flatMap(({ c }) => [...c.body.diagnoses, ...c.body.lines.map((l) => l.serviceCode)]),
      ),
      ...submitted.map(({ c }) => c.body.externalRef),
    ];
    const asFunder = apiClient(stack.baseUrl, scenario.funder.key);
    const texts: string[] = [JSON.stringify(expectStatus(await asFunder.GET('/v1/ledger/head'), 200))];
    const proofs: unknown[] = [];
    for (const { id } of submitted)
      proofs.push(
        expectStatus(await asFunder.GET('/v1/ledger/claims/{id}/proof', { params: { path: { id } } }), 200),
      );
    texts.push(...proofs.map((p) => JSON.stringify(p)));
    texts.push(...(await ledgerTexts(db, proofs)));
    expect(texts.length).toBeGreaterThan(200);
    // A value counts as present when it stands on its own: signatures and keys are base64, where a
    // short code such as B54 can turn up by chance inside a longer run of letters and digits.
    const standalone = phi.map((value) => ({
      value,
      pattern: new RegExp(
        `(^|[^A-Za-z0-9+/])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9+/])`,
      ),
    }));
    for (const text of texts) {
      const leaked = standalone.filter(({ pattern }) => pattern.test(text)).map(({ value }) => value);
      expect(leaked).toEqual([]);
    }
  });

  if (LEDGER_KIND === 'embedded') {
    it('makes a proof and the chain check fail once a stored transaction is altered', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'claimtrail-proof-'));
      const { id } = submitted[5];
      const asPayer = apiClient(stack.baseUrl, scenario.payer.key);
      const proofOf = () => asPayer.GET('/v1/ledger/claims/{id}/proof', { params: { path: { id } } });
      // The document's schema is the bundle's shape; the library's type names its records' fields too.
      const before = expectStatus(await proofOf(), 200) as unknown as ProofBundle;
      writeFileSync(join(dir, 'good.json'), JSON.stringify(before));
      const { trust, path: trustPath } = await fetchTrust(stack.baseUrl, dir);
      const good = await runCli(['verify', join(dir, 'good.json'), '--trust', trustPath]);
      expect(good.stderr).toBe('');
      expect(good.status).toBe(0);
      expect((await runCli(['ledger', 'check'])).status).toBe(0);

      // Against a trust file pinning a clinic's key for the payer, the same proof fails.
      const clinicKey = trust.organizations.find((o) => o.id === scenario.providers[0].id)!.publicKeyPem;
      const wrong = {
        ...trust,
        organizations: trust.organizations.map((o) =>
          o.id === scenario.payer.id ? { ...o, publicKeyPem: clinicKey } : o,
        ),
      };
      writeFileSync(join(dir, 'wrong-trust.json'), JSON.stringify(wrong));
      expect(
        (await runCli(['verify', join(dir, 'good.json'), '--trust', join(dir, 'wrong-trust.json')])).status,
      ).toBe(1);

      // Someone with database access raises this claim's approved amount inside the stored transaction.
      const block = before.block.number;
      const [tx] = await db.query(
        `SELECT tx_id, args FROM ledger_transactions WHERE block_number = $1 AND function_name = 'RecordDecisions'`,
        [block],
      );
      const batch = JSON.parse((JSON.parse(tx.args as string) as string[])[0]) as {
        claimId: string;
        totals: { approved: number };
      }[];
      const record = batch.find((r) => r.claimId === id)!;
      record.totals.approved += 100_000;
      await db.query(`UPDATE ledger_transactions SET args = $1 WHERE tx_id = $2`, [
        JSON.stringify([JSON.stringify(batch)]),
        tx.tx_id,
      ]);

      // The API no longer hands out a proof of the claim, and one built from the altered rows fails offline.
      const after = await proofOf();
      expect(after.response.status).toBe(409);
      expect(after.error).toMatchObject({ type: 'urn:claimtrail:problem:ledger-integrity' });
      const forged = JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8')) as ProofBundle;
      forged.record.totals.approved += 100_000;
      writeFileSync(join(dir, 'tampered.json'), JSON.stringify(forged));
      const bad = await runCli(['verify', join(dir, 'tampered.json'), '--trust', trustPath]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/FAILED/);

      const check = await runCli(['ledger', 'check']);
      expect(check.status).toBe(1);
      expect(check.stderr).toContain(`block ${block}`);

      // Put the transaction back, so suites sharing the database find an intact chain.
      await db.query(`UPDATE ledger_transactions SET args = $1 WHERE tx_id = $2`, [tx.args, tx.tx_id]);
      expect((await runCli(['ledger', 'check'])).status).toBe(0);
    });
  } else {
    it('gives a proof that a peer confirms and that fails once its record is altered', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'claimtrail-proof-'));
      const { id } = submitted[5];
      const asPayer = apiClient(stack.baseUrl, scenario.payer.key);
      const proof = expectStatus(
        await asPayer.GET('/v1/ledger/claims/{id}/proof', { params: { path: { id } } }),
        200,
      ) as unknown as FabricProofBundle;
      expect(proof).toMatchObject({ ledger: 'fabric', claimId: id, channel: expect.any(String) });
      writeFileSync(join(dir, 'good.json'), JSON.stringify(proof));
      const { path: trustPath } = await fetchTrust(stack.baseUrl, dir);
      const good = await runCli(['verify', join(dir, 'good.json'), '--fabric', '--trust', trustPath]);
      expect(good.stderr).toBe('');
      expect(good.stdout).toContain('a peer holds it in block');
      expect(good.status).toBe(0);
      expect((await runCli(['ledger', 'check'])).status).toBe(0);

      // The chain lives on the peers, out of the platform database's reach: what can be altered is a
      // copy of the proof, and that no longer verifies.
      const altered = structuredClone(proof) as FabricProofBundle & {
        record: { totals: { approved: number } };
      };
      altered.record.totals.approved += 100_000;
      writeFileSync(join(dir, 'tampered.json'), JSON.stringify(altered));
      const bad = await runCli(['verify', join(dir, 'tampered.json'), '--fabric', '--trust', trustPath]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/FAILED/);
    });
  }
});

/**
 * Everything the ledger holds about the claims, as text: the stored state and transactions of the
 * embedded ledger, or on Fabric what the proofs' transactions wrote (keys and values, as the
 * peers store them).
 */
async function ledgerTexts(db: DataSource, proofs: unknown[]): Promise<string[]> {
  if (LEDGER_KIND === 'embedded') {
    const rows: { text: string }[] = await db.query(
      `SELECT encode(key, 'escape') || convert_from(value, 'UTF8') AS text FROM ledger_state
       UNION ALL SELECT args::text || result::text || events::text FROM ledger_transactions`,
    );
    return rows.map((r) => r.text);
  }
  const envelopes = new Set(proofs.filter(isFabricProof).map((p) => p.envelope));
  expect(envelopes.size).toBeGreaterThan(0);
  return [...envelopes].flatMap((envelope) =>
    readEnvelope(Buffer.from(envelope, 'base64')).writes.map((w) => `${w.key} ${w.value.toString('utf8')}`),
  );
}
