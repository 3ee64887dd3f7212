import { generateSigningKeyPair } from '../signing';
import { decisionRecord, signingIdentity } from '../testing/decision-fixtures';
import { MemoryChain } from '../testing/memory-chain';
import type { ProofBundle } from './proof-bundle';
import type { TrustAnchor } from './trust-anchor';
import { verifyProofBundle } from './verify-proof-bundle';

const payer = signingIdentity({ orgId: 'payer-1' });
const otherPayer = signingIdentity({ orgId: 'payer-2' });
const target = decisionRecord({ payerId: 'payer-1', claimId: 'claim-target' });

let trust: TrustAnchor;

/** What a verifier pinned: both payers' keys and the chain's head key. */
function trustOf(c: MemoryChain): TrustAnchor {
  return {
    version: 1,
    organizations: [payer, otherPayer].map((o) => ({
      id: o.orgId,
      kind: o.kind,
      publicKeyPem: o.publicKeyPem,
    })),
    msps: [],
    ledgerHeadKeyPem: c.headKey.publicKeyPem,
  };
}

/** Block 1: one tx; block 2: five txs (target in the 4th); blocks 3 and 4 follow. */
async function chain(): Promise<MemoryChain> {
  const c = new MemoryChain();
  await c.commitBlock([{ records: [decisionRecord()], signer: payer }]);
  const filler = (org: typeof payer) => ({ records: [decisionRecord({ payerId: org.orgId })], signer: org });
  await c.commitBlock([
    filler(payer),
    filler(otherPayer),
    filler(payer),
    { records: [target], signer: payer },
    filler(otherPayer),
  ]);
  await c.commitBlock([filler(otherPayer)]);
  await c.commitBlock([filler(payer), filler(payer)]);
  return c;
}

function problemsOf(bundle: unknown): string[] {
  const result = verifyProofBundle(bundle, trust);
  return result.ok ? [] : result.problems;
}

const clone = (b: ProofBundle): ProofBundle => structuredClone(b);

describe('verifyProofBundle', () => {
  let bundle: ProofBundle;
  let c: MemoryChain;
  beforeAll(async () => {
    c = await chain();
    trust = trustOf(c);
    bundle = await c.prove(target.claimId, 1);
  });

  it('accepts a proof for a transaction inside a multi-transaction block, chained to the head', () => {
    expect(bundle.block.number).toBe(2);
    expect(bundle.txIndex).toBe(3);
    expect(bundle.merklePath).toHaveLength(3);
    expect(bundle.headerChain.map((h) => h.number)).toEqual([3, 4]);
    expect(verifyProofBundle(bundle, trust)).toEqual({ ok: true });
    // A bundle survives JSON, which is how it travels.
    expect(verifyProofBundle(JSON.parse(JSON.stringify(bundle)), trust)).toEqual({ ok: true });
  });

  it('H2: discloses nothing of the other records of its batch', async () => {
    const others = [decisionRecord({ payerId: 'payer-1' }), decisionRecord({ payerId: 'payer-1' })];
    const batch = new MemoryChain();
    await batch.commitBlock([{ records: [others[0], target, others[1]], signer: payer }]);
    const proof = JSON.stringify(await batch.prove(target.claimId, 1));
    expect(verifyProofBundle(JSON.parse(proof), trustOf(batch))).toEqual({ ok: true });
    for (const other of others) {
      expect(proof).not.toContain(other.claimId);
      expect(proof).not.toContain(Buffer.from(other.claimId, 'utf8').toString('hex'));
    }
    expect(proof).not.toContain('"args"');
  });

  it('H4: trusts no key the bundle brings: an unknown organization, a different key, an untrusted head', () => {
    const none = { ...trust, organizations: [] };
    expect(problemsWith(bundle, none).join('\n')).toContain(
      'organization payer-1, which signed the transaction, is not in the trust file',
    );
    const otherKey = {
      ...trust,
      organizations: [
        { id: 'payer-1', kind: 'payer' as const, publicKeyPem: generateSigningKeyPair().publicKeyPem },
      ],
    };
    expect(problemsWith(bundle, otherKey).join('\n')).toContain(
      "does not verify with organization payer-1's trusted key",
    );
    const asProvider = {
      ...trust,
      organizations: [{ id: 'payer-1', kind: 'provider' as const, publicKeyPem: payer.publicKeyPem }],
    };
    expect(problemsWith(bundle, asProvider).join('\n')).toContain('knows organization payer-1 as a provider');
    expect(
      problemsWith(bundle, { ...trust, ledgerHeadKeyPem: generateSigningKeyPair().publicKeyPem }),
    ).toContain('head block 4 is not signed with the trusted ledger head key');
    expect(problemsWith(bundle, { ...trust, ledgerHeadKeyPem: undefined })).toContain(
      'the trust file holds no ledger head key, so the signed head cannot be trusted',
    );
  });

  it.each<[string, (b: ProofBundle) => void, string]>([
    [
      'an amount in the record',
      (b) => (b.record.totals.approved -= 1),
      "the record is not the value the transaction's write set holds under the claim's decision key",
    ],
    [
      'a field added to the record',
      (b) => Object.assign(b.record, { note: 'x' }),
      "the record is not the value the transaction's write set holds",
    ],
    ['the recording organization', (b) => (b.record.recordedBy = 'payer-2'), 'recorded by payer-2'],
    [
      'record transaction id, everywhere the record names it',
      (b) =>
        (b.record.txId = b.transaction.content.proposal.txId.replace(/^./, (x) => (x === 'a' ? 'b' : 'a'))),
      "the record is not the value the transaction's write set holds under the claim's decision key",
    ],
    [
      'write root',
      (b) => (b.transaction.content.response.writesRoot = '0'.repeat(64)),
      'signature does not verify',
    ],
    ['write leaf salt', (b) => (b.write.salt = flipHex(b.write.salt)), "the transaction's write set holds"],
    [
      'result digest',
      (b) => (b.transaction.content.response.resultHash = '0'.repeat(64)),
      'signature does not verify',
    ],
    [
      'block timestamp',
      (b) => (b.block.timestamp = '2025-11-20T12:00:00.001Z'),
      'block 2 hash does not match its contents',
    ],
    ['block size', (b) => (b.block.txCount = 6), 'block 2 hash does not match its contents'],
    [
      'the recording time',
      (b) => (b.record.recordedAt = '2025-11-20T12:00:00.001Z'),
      "recordedAt (2025-11-20T12:00:00.001Z) is not the transaction's timestamp",
    ],
    [
      'the record revision',
      (b) => (b.record.revision = 2),
      'the record is for claim claim-target revision 2',
    ],
    [
      'the batch digest',
      (b) => (b.transaction.content.proposal.argsHash = flipHex(b.transaction.content.proposal.argsHash)),
      'signature does not verify',
    ],
    [
      'the timestamp',
      (b) => (b.transaction.content.proposal.timestamp = '2025-11-20T12:00:01.000Z'),
      'signature does not verify',
    ],
    [
      'the creator key',
      (b) => (b.transaction.content.proposal.creator.publicKeyPem = generateSigningKeyPair().publicKeyPem),
      'is not the key the trust file pins for it',
    ],
    [
      'the transaction id',
      (b) =>
        (b.transaction.content.proposal.txId = b.transaction.content.proposal.txId.replace(/^./, (x) =>
          x === 'a' ? 'b' : 'a',
        )),
      'the transaction id does not derive from its nonce and creator',
    ],
    [
      'the stated transaction hash',
      (b) => (b.transaction.txHash = '0'.repeat(64)),
      'transaction hash does not match its contents',
    ],
    [
      'a Merkle path entry',
      (b) => (b.merklePath[1] = flipHex(b.merklePath[1])),
      "Merkle path does not lead from the transaction (index 3) to block 2's Merkle root",
    ],
    ['the transaction index', (b) => (b.txIndex = 2), 'Merkle path does not lead'],
    [
      'the block Merkle root',
      (b) => (b.block.merkleRoot = flipHex(b.block.merkleRoot)),
      'block 2 hash does not match its contents',
    ],
    ['the block hash', (b) => (b.block.hash = flipHex(b.block.hash)), 'block 3 does not link to block 2'],
    [
      'a later header',
      (b) => (b.headerChain[0].merkleRoot = flipHex(b.headerChain[0].merkleRoot)),
      'block 3 hash does not match its contents',
    ],
    [
      'a missing later header',
      (b) => b.headerChain.splice(0, 1),
      'header chain jumps from block 2 to block 4',
    ],
    ['the stated head', (b) => (b.head.hash = flipHex(b.head.hash)), 'not at the signed head block 4'],
    [
      'the head signature',
      (b) => (b.head.signature = b.transaction.signature),
      'head block 4 is not signed with the trusted ledger head key',
    ],
    [
      'the bundle shape',
      (b) => delete (b as Partial<ProofBundle>).transaction,
      'proof bundle is malformed at transaction',
    ],
  ])('rejects a proof whose %s was altered, saying why', (_name, alter, message) => {
    const altered = clone(bundle);
    alter(altered);
    const problems = problemsOf(altered);
    expect(problems.join('\n')).toContain(message);
  });

  it('rejects a signature altered in any byte', () => {
    const sig = Buffer.from(bundle.transaction.signature, 'base64');
    for (let i = 0; i < sig.length; i++) {
      const altered = clone(bundle);
      const bytes = Buffer.from(sig);
      bytes[i] ^= 0x01;
      altered.transaction.signature = bytes.toString('base64');
      expect(problemsOf(altered)).toContain(
        "the transaction's signature does not verify with organization payer-1's trusted key",
      );
    }
  });

  it('rejects a change to any value anywhere in a single-transaction proof', async () => {
    const single = await c.prove(firstClaim(c), 1);
    expect(verifyProofBundle(single, trust)).toEqual({ ok: true });
    let checked = 0;
    for (const path of leafPaths(single)) {
      const altered = clone(single);
      mutateAt(altered, path);
      expect({ path: path.join('.'), ok: verifyProofBundle(altered, trust).ok }).toEqual({
        path: path.join('.'),
        ok: false,
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('never throws on garbage', () => {
    for (const garbage of [null, 42, 'proof', [], {}, { version: 1 }])
      expect(verifyProofBundle(garbage, trust).ok).toBe(false);
  });

  it('checks a bundle by the ledger it names: a Fabric bundle against the Fabric proof format', async () => {
    const c = await chain();
    const embedded = await c.prove(target.claimId, 1);
    // An embedded proof that says it comes from Fabric is held to Fabric's format, and fails it.
    expect(problemsWith({ ...embedded, ledger: 'fabric' }, trustOf(c))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^proof bundle is malformed at version/)]),
    );
    expect(verifyProofBundle({ ledger: 'fabric' }, trustOf(c)).ok).toBe(false);
  });
});

function problemsWith(bundle: unknown, anchor: TrustAnchor): string[] {
  const result = verifyProofBundle(bundle, anchor);
  return result.ok ? [] : result.problems;
}

function firstClaim(c: MemoryChain): string {
  return (JSON.parse(c.blocks[1].txs[0].payload.args[0]) as { claimId: string }[])[0].claimId;
}

function flipHex(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}

type Path = (string | number)[];

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return [path];
}

function mutateAt(root: unknown, path: Path): void {
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>(
      (o, k) => o[k] as Record<string | number, unknown>,
      root as Record<string, unknown>,
    );
  const key = path[path.length - 1];
  const v = parent[key];
  if (typeof v === 'number') parent[key] = v + 1;
  else if (typeof v === 'boolean') parent[key] = !v;
  else if (typeof v === 'string') parent[key] = v.length === 0 ? 'x' : flipChar(v);
  else parent[key] = 'x';
}

// Changes one character in the middle, keeping hex hex and base64 base64.
function flipChar(s: string): string {
  const i = Math.floor(s.length / 2);
  const c = s[i];
  const replacement = c === 'a' ? 'b' : c === '0' ? '1' : /[0-9]/.test(c) ? '0' : 'a';
  return s.slice(0, i) + replacement + s.slice(i + 1);
}
