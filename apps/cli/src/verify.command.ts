import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { verifyProofBundle, type ProofBundle } from '@claimtrail/ledger';

/** `claimtrail verify <proof.json>`: checks a proof bundle offline. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('verify a ledger proof bundle offline; exits 1 if anything in it was altered')
    .argument('<proof>', 'path of a proof bundle (JSON), or - for standard input')
    .option(
      '--signer-key <pem>',
      "the signing organization's published public key (PEM file, from GET /v1/organizations/:id/public-key)",
    )
    .action(async (path: string, opts: { signerKey?: string }) => {
      const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
      let bundle: ProofBundle;
      try {
        bundle = JSON.parse(text) as ProofBundle;
      } catch {
        throw new Error(`${path} is not JSON`);
      }
      const result = verifyProofBundle(bundle);
      const problems = result.ok ? [] : [...result.problems];
      const keyProblem = opts.signerKey ? await signerKeyProblem(bundle, opts.signerKey) : null;
      if (keyProblem) problems.push(keyProblem);
      if (problems.length === 0) {
        process.stdout.write(
          `OK: claim ${bundle.claimId} revision ${bundle.revision} is in block ${bundle.block.number}, ` +
            `chained to head ${bundle.head.number} (${bundle.head.hash})\n`,
        );
        return;
      }
      process.stderr.write(
        `FAILED: the proof does not verify:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// A proof carries its signer's public key; only comparing it with the key the organization
// published shows the transaction was signed by that organization and not by someone else's key.
async function signerKeyProblem(bundle: ProofBundle, keyPath: string): Promise<string | null> {
  const der = (pem: string) =>
    createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
  let published: string;
  try {
    published = der(await readFile(keyPath, 'utf8'));
  } catch {
    throw new Error(`${keyPath} is not a PEM public key`);
  }
  const creator = bundle.transaction?.payload?.creator;
  try {
    return creator && der(creator.publicKeyPem) === published
      ? null
      : `the transaction was not signed with the published key in ${keyPath}`;
  } catch {
    return 'the transaction names no usable signer key';
  }
}
