import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { verifyProofBundle, type ProofBundle } from '@claimtrail/ledger';

/** `claimtrail verify <proof.json>`: checks a proof bundle offline. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('verify a ledger proof bundle offline; exits 1 if anything in it was altered')
    .argument('<proof>', 'path of a proof bundle (JSON), or - for standard input')
    .action(async (path: string) => {
      const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
      let bundle: ProofBundle;
      try {
        bundle = JSON.parse(text) as ProofBundle;
      } catch {
        throw new Error(`${path} is not JSON`);
      }
      const result = verifyProofBundle(bundle);
      if (result.ok) {
        process.stdout.write(
          `OK: claim ${bundle.claimId} revision ${bundle.revision} is in block ${bundle.block.number}, ` +
            `chained to head ${bundle.head.number} (${bundle.head.hash})\n`,
        );
        return;
      }
      process.stderr.write(
        `FAILED: the proof does not verify:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
