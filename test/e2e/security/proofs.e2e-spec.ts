import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { organizationsServiceOn } from '@claimtrail/claims/infra/repositories/access-on-data-source';
import { generateSigningKeyPair, signHead, verifyProofBundle, type TrustAnchor } from '@claimtrail/ledger';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { MemoryChain } from '@claimtrail/ledger/testing/memory-chain';
import { runCli } from '../../support/cli';
import { privateLedger } from '../../support/ledger-database';
import { holdLedgerRelay } from '../../support/relay-hold';
import { buildScenario, consultationClaim, type ClaimBody, type Scenario } from '../../support/scenario';
import { client, eventually, startStack, type Stack } from '../../support/stack';

/** Every number anywhere in a JSON value. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(numbersIn);
  return [];
}

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('proofs: disclosure, trust anchor, bounded size', () => {
  let stack: Stack;
  let db: DataSource;
  let s: Scenario;
  const dir = mkdtempSync(join(tmpdir(), 'claimtrail-proofs-'));
  const tag = `prf${Date.now().toString(36)}`;
  let claimA: string;
  let claimB: string;
  let proofA: any;

  const submit = async (provider: number, ref: string, lines: ClaimBody['lines']) => {
    const r = await client(stack.baseUrl, s.providers[provider].key)(
      'POST',
      '/v1/claims',
      consultationClaim(s, `${tag}-${ref}`, { lines }),
    );
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const claimOf = (id: string) => client(stack.baseUrl, s.payer.key)('GET', `/v1/claims/${id}`);

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
    s = await buildScenario(stack.baseUrl, tag);
    // Both clinics' decisions wait for the relay together, so they are written in one transaction.
    const release = await holdLedgerRelay(db);
    try {
      claimA = await submit(0, 'a', [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }]);
      claimB = await submit(1, 'b', [{ serviceCode: 'DRUG-AMOX', quantity: 7, unitPrice: 30000 }]);
      for (const id of [claimA, claimB])
        await eventually(async () =>
          ['received', 'adjudicating'].includes((await claimOf(id)).body.status) ? undefined : true,
        );
    } finally {
      await release();
    }
    for (const id of [claimA, claimB])
      await eventually(async () => ((await claimOf(id)).body.ledger ? true : undefined));
    const r = await client(stack.baseUrl, s.providers[0].key)('GET', `/v1/ledger/claims/${claimA}/proof`);
    expect(r.status).toBe(200);
    proofA = r.body;
    writeFileSync(join(dir, 'a.json'), JSON.stringify(proofA));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("H2: a clinic's proof discloses nothing of another clinic's claim decided in the same transaction", async () => {
    const [a, b] = [(await claimOf(claimA)).body, (await claimOf(claimB)).body];
    expect(a.ledger.txId).toBe(b.ledger.txId);
    const text = JSON.stringify(proofA);
    for (const secret of [claimB, s.providers[1].id]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hexOf(secret));
    }
    expect(numbersIn(proofA)).not.toContain(210000);
    expect(numbersIn(proofA)).not.toContain(b.decision.totals.approved);
    // And it still proves A's own decision.
    expect(proofA.record.claimId).toBe(claimA);
  });

  it('H4: the trust file comes from a public endpoint, and verify refuses to run without one', async () => {
    const trust = await client(stack.baseUrl)('GET', '/v1/ledger/trust');
    expect(trust.status).toBe(200);
    const published = await client(stack.baseUrl, s.funder.key)(
      'GET',
      `/v1/organizations/${s.payer.id}/public-key`,
    );
    expect(trust.body.organizations).toContainEqual({
      id: s.payer.id,
      kind: 'payer',
      publicKeyPem: published.body.signingPublicKey,
    });
    expect(trust.body.ledgerHeadKeyPem).toMatch(/BEGIN PUBLIC KEY/);

    const fetched = await runCli([
      'trust',
      'fetch',
      '--api-url',
      stack.baseUrl,
      '--out',
      join(dir, 'trust.json'),
    ]);
    expect(fetched.stderr).toBe('');
    expect(fetched.stdout).toMatch(/fingerprint [0-9a-f]{64}/);
    const ok = await runCli(['verify', join(dir, 'a.json'), '--trust', join(dir, 'trust.json')]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^OK: .*pinned key.*pinned head key/);
    expect(ok.status).toBe(0);

    const without = await runCli(['verify', join(dir, 'a.json')]);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('verify needs --trust <trust.json>');
  });

  it('H4: a home-made key and block pass their own checks but fail against the trust file, naming what is not trusted', async () => {
    // A chain of its own: a forger's key claiming to be the payer, and a forger's head key.
    const forger = signingIdentity({ orgId: s.payer.id, kind: 'payer', mspId: proofA.record.recordedBy });
    const chain = new MemoryChain();
    const record = decisionRecord({ payerId: s.payer.id, claimId: claimA });
    await chain.commitBlock([{ records: [record], signer: forger }]);
    const forged = await chain.prove(claimA, record.revision);
    const selfTrust: TrustAnchor = {
      version: 1,
      organizations: [{ id: s.payer.id, kind: 'payer', publicKeyPem: forger.publicKeyPem }],
      msps: [],
      ledgerHeadKeyPem: chain.headKey.publicKeyPem,
    };
    expect(verifyProofBundle(forged, selfTrust)).toEqual({ ok: true });
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    const bad = await runCli(['verify', join(dir, 'forged.json'), '--trust', join(dir, 'trust.json')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      `the transaction names a signing key for organization ${s.payer.id} that is not the key the trust file pins for it`,
    );
    expect(bad.stderr).toContain('is not signed with the trusted ledger head key');
  });

  it('H4: verify reports a fork when the ledger signed another hash for a block it kept', async () => {
    const trustPath = join(dir, 'trust.json');
    const headsPath = join(dir, 'fork.heads.json');
    // The ledger's own signature (the stack's head key) over another history.
    const other = signHead(
      { number: proofA.head.number, hash: 'ab'.repeat(32) },
      stack.config.LEDGER_HEAD_KEY,
    );
    writeFileSync(headsPath, JSON.stringify({ version: 1, heads: [other] }));
    const r = await runCli(['verify', join(dir, 'a.json'), '--trust', trustPath, '--heads', headsPath]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `FORK: the ledger signed block ${proofA.head.number} with hash abababababababab`,
    );
    // A head kept without the ledger's signature proves nothing and is ignored.
    const unsigned = { ...other, signature: generateSigningKeyPair().publicKeyPem };
    writeFileSync(headsPath, JSON.stringify({ version: 1, heads: [unsigned] }));
    expect(
      (await runCli(['verify', join(dir, 'a.json'), '--trust', trustPath, '--heads', headsPath])).status,
    ).toBe(0);
    const kept = JSON.parse(readFileSync(headsPath, 'utf8')) as { heads: { number: number }[] };
    expect(kept.heads.map((h) => h.number)).toContain(proofA.head.number);
  });

  it("H4: ledger check holds every signature to the organization's registered key, not the key the chain names", async () => {
    const orgs = organizationsServiceOn(db);
    const own = await privateLedger('proofs_h4');
    try {
      const payer = await orgs.signingIdentity(s.payer.id);
      await own.ledger.recordDecisions([decisionRecord({ payerId: payer.orgId })], payer);
      const trust: TrustAnchor = {
        version: 1,
        organizations: await orgs.trustedOrganizations(),
        msps: [],
        ledgerHeadKeyPem: own.ledger.headPublicKeyPem(),
      };
      expect(await own.ledger.checkChain(trust)).toMatchObject({ ok: true });
      const homeMade = { ...payer, ...generateSigningKeyPair() };
      await own.ledger.recordDecisions([decisionRecord({ payerId: payer.orgId })], homeMade);
      // Against the keys it names itself the chain holds; against the registered keys it does not.
      expect(await own.ledger.checkChain()).toMatchObject({ ok: true });
      const check = await own.ledger.checkChain(trust);
      expect(check.ok).toBe(false);
      expect(check.firstBadBlock?.number).toBe(2);
      expect(check.firstBadBlock?.reason).toContain(
        `names a signing key that is not organization ${payer.orgId}'s registered key (untrusted key)`,
      );
    } finally {
      await own.drop();
    }
    // The CLI checks the platform's ledger against the organizations table.
    const cli = await runCli(['ledger', 'check']);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
  });

  it('M2: a proof carries at most one checkpoint interval of headers however long the chain grows', async () => {
    const own = await privateLedger('proofs_m2', { checkpointInterval: 8 });
    try {
      const payer = signingIdentity({ kind: 'payer' });
      const trust: TrustAnchor = {
        version: 1,
        organizations: [{ id: payer.orgId, kind: 'payer', publicKeyPem: payer.publicKeyPem }],
        msps: [],
        ledgerHeadKeyPem: own.ledger.headPublicKeyPem(),
      };
      const first = decisionRecord({ payerId: payer.orgId });
      await own.ledger.recordDecisions([first], payer);
      const grow = async (blocks: number) => {
        for (let i = 0; i < blocks; i++)
          await own.ledger.recordDecisions([decisionRecord({ payerId: payer.orgId })], payer);
      };
      await grow(20);
      const early = (await own.ledger.proveClaim(first.claimId))!;
      await grow(200);
      const later = (await own.ledger.proveClaim(first.claimId))!;
      expect(verifyProofBundle(later, trust)).toEqual({ ok: true });
      expect(later.headerChain.length).toBeLessThanOrEqual(8);
      expect(later.head).toMatchObject({ number: 8, checkpoint: true });
      expect(JSON.stringify(later).length).toBe(JSON.stringify(early).length);
      // The newest record's proof ends at the head, signed when the proof was made.
      const newest = decisionRecord({ payerId: payer.orgId });
      await own.ledger.recordDecisions([newest], payer);
      const atHead = (await own.ledger.proveClaim(newest.claimId))!;
      expect(verifyProofBundle(atHead, trust)).toEqual({ ok: true });
      expect(atHead.head).toMatchObject({ number: (await own.ledger.head()).blockNumber, checkpoint: false });
    } finally {
      await own.drop();
    }
  });
});
