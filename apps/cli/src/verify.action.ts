import { readFile } from 'node:fs/promises';
import {
  isFabricProof,
  shortHash,
  verifyProofBundle,
  type FabricProofBundle,
  type ProofBundle,
} from '@claimtrail/ledger/proof';
import { forkProblems, keepHead, readKeptHeads } from './kept-heads';
import { readTrustFile } from './trust-file';

/** Why verify refuses to run without a trust file. */
export const NO_TRUST_FILE =
  'verify needs --trust <trust.json>: a proof is only checked against keys you pinned beforehand, never against the keys it carries. ' +
  'Fetch them once with `claimtrail trust fetch --api-url <url> --out trust.json`, compare its fingerprint out of band, and keep it.';

/** The Fabric client, loaded only when a peer is asked (--fabric). */
const fabricPeer = () => require('./verify-fabric-peer') as typeof import('./verify-fabric-peer');

/** `claimtrail verify <proof.json>`: checks a proof bundle offline (with --fabric, also with a peer). */
export async function verify(path: string, opts: VerifyOptions): Promise<void> {
  if (!opts.trust) throw new Error(NO_TRUST_FILE);
  const trust = await readTrustFile(opts.trust);
  const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  const result = verifyProofBundle(parsed, trust);
  const problems = result.ok ? [] : [...result.problems];
  if (isFabricProof(parsed)) {
    if (opts.fabric && problems.length === 0) problems.push(...(await fabricPeer().peerProblems(parsed)));
    if (opts.keptHead && problems.length === 0)
      problems.push(...(await fabricKeptHeadProblems(parsed, opts.keptHead, Boolean(opts.fabric))));
    report(
      problems,
      () =>
        `OK: claim ${parsed.claimId} revision ${parsed.revision} was written by transaction ${parsed.txId}, ` +
        `signed by its payer and endorsed as the channel's policies require (MSP roots from ${opts.trust})` +
        (opts.fabric
          ? `; a peer holds it in block ${parsed.blockNumber} (${parsed.blockHash}) of channel ${parsed.channel} and marks it valid`
          : `; NOT checked offline: that block ${parsed.blockNumber} holds it and that the peers marked it valid (add --fabric)`),
    );
    return;
  }
  if (opts.fabric) throw new Error('--fabric applies to Fabric proofs; this one is from the embedded ledger');
  const bundle = parsed as ProofBundle;
  if (opts.keptHead && problems.length === 0) {
    problems.push(...keptHeadProblems(bundle, opts.keptHead));
    if (opts.keptHead.number > bundle.head.number && bundle.head.checkpoint)
      process.stdout.write(
        `note: the proof ends at checkpoint ${bundle.head.number}, before the block ${opts.keptHead.number} you kept, ` +
          'so it cannot compare them: a proof of a record newer than that checkpoint can\n',
      );
  }
  const headsPath = opts.heads ?? `${opts.trust.replace(/\.json$/, '')}.heads.json`;
  if (problems.length === 0 && trust.ledgerHeadKeyPem) {
    const kept = await readKeptHeads(headsPath);
    problems.push(...forkProblems(bundle, kept, trust.ledgerHeadKeyPem));
    if (problems.length === 0) await keepHead(headsPath, kept, bundle.head);
  }
  report(
    problems,
    () =>
      `OK: claim ${bundle.claimId} revision ${bundle.revision} is in block ${bundle.block.number}, signed by ` +
      `organization ${bundle.transaction.content.proposal.creator.orgId} with its pinned key, ` +
      `chained to block ${bundle.head.number} (${bundle.head.hash}) signed by the ledger's pinned head key`,
  );
}

/** What `claimtrail verify` was given besides the proof. */
export interface VerifyOptions {
  trust?: string;
  heads?: string;
  fabric?: boolean;
  keptHead?: KeptHead;
}

/** A block number and hash someone kept, as `<number>:<hash>`. */
export interface KeptHead {
  number: number;
  hash: string;
}

/** Whether an embedded-ledger proof's headers pass through the kept head. */
function keptHeadProblems(bundle: ProofBundle, kept: KeptHead): string[] {
  const headers = [bundle.block, ...bundle.headerChain];
  // A proof ending at a checkpoint says nothing of later blocks; one ending at the head does.
  if (kept.number > bundle.head.number && bundle.head.checkpoint) return [];
  if (kept.number > bundle.head.number)
    return [
      `the proof's signed head is block ${bundle.head.number}, older than the block ${kept.number} you kept: the ledger was rolled back`,
    ];
  if (kept.number < bundle.block.number)
    return [
      `the kept block ${kept.number} is older than the proof's block ${bundle.block.number}: check it against a proof of an older record`,
    ];
  const header = headers.find((h) => h.number === kept.number)!;
  return header.hash === kept.hash
    ? []
    : [
        `block ${kept.number} in the proof's history has hash ${shortHash(header.hash)}, not the ${shortHash(kept.hash)} you kept: the ledger was rewritten`,
      ];
}

/** Whether a Fabric proof, or with --fabric a peer, holds the kept head's block with its hash. */
async function fabricKeptHeadProblems(
  bundle: FabricProofBundle,
  kept: KeptHead,
  askPeer: boolean,
): Promise<string[]> {
  const known =
    kept.number === bundle.blockNumber
      ? bundle.blockHash
      : kept.number === bundle.head.blockNumber
        ? bundle.head.blockHash
        : null;
  let hash = known;
  if (hash === null) {
    if (!askPeer)
      return [`the proof names no hash for block ${kept.number}: add --fabric to ask a peer for it`];
    hash = await fabricPeer().peerBlockHash(kept.number);
  }
  return hash === kept.hash
    ? []
    : [
        `block ${kept.number} has hash ${shortHash(hash)}, not the ${shortHash(kept.hash)} you kept: the ledger was rewritten`,
      ];
}

function report(problems: string[], ok: () => string): void {
  if (problems.length === 0) {
    process.stdout.write(`${ok()}\n`);
    return;
  }
  process.stderr.write(`FAILED: the proof does not verify:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
