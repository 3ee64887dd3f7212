import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BlockHeader } from '@claimtrail/ledger';
import { headSignatureValid, shortHash, type ProofBundle, type SignedHead } from '@claimtrail/ledger/proof';

/** The signed heads and checkpoints a verifier has seen, kept beside its trust file. */
export interface KeptHeads {
  version: 1;
  heads: SignedHead[];
}

const schema = z.strictObject({
  version: z.literal(1),
  heads: z.array(
    z.strictObject({
      number: z.int().min(0),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      checkpoint: z.boolean(),
      signature: z.string(),
    }),
  ),
});

/** The heads file at `path`; an empty one when it does not exist yet. */
export async function readKeptHeads(path: string): Promise<KeptHeads> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, heads: [] };
    throw err;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is not a heads file`);
  return parsed.data;
}

/**
 * Compares a proof's signed head and headers with the signed heads kept earlier. A kept head the
 * proof's history covers must have the same hash there: two signed blocks with one number and
 * different hashes are a fork (or a history rewritten since). Kept heads outside the proof's span
 * cannot be compared by it and are not reported.
 */
export function forkProblems(bundle: ProofBundle, kept: KeptHeads, headKeyPem: string): string[] {
  const headers = new Map<number, BlockHeader | SignedHead>(
    [bundle.block, ...bundle.headerChain].map((h) => [h.number, h]),
  );
  headers.set(bundle.head.number, bundle.head);
  const problems: string[] = [];
  for (const k of kept.heads) {
    // Only what the ledger itself signed counts: an edited heads file proves nothing.
    if (!headSignatureValid(k, headKeyPem)) continue;
    const seen = headers.get(k.number);
    if (seen && seen.hash !== k.hash)
      problems.push(
        `FORK: the ledger signed block ${k.number} with hash ${shortHash(k.hash)} earlier, and this proof's history has ${shortHash(seen.hash)} there`,
      );
  }
  return problems;
}

/** Keeps the proof's signed head (and the highest signed head seen) in the heads file. */
export async function keepHead(path: string, kept: KeptHeads, head: SignedHead): Promise<void> {
  if (!kept.heads.some((k) => k.number === head.number && k.hash === head.hash)) {
    kept.heads.push({ ...head });
    kept.heads.sort((a, b) => a.number - b.number);
  }
  await writeFile(path, `${JSON.stringify(kept, null, 2)}\n`);
}
