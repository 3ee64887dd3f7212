import { Command } from 'commander';
import { startDemoStack, printableUrl } from './demo-stack';
import { runDemoStory } from './demo-story';

const MAX_CLAIMS = 50_000;

/** `claimtrail demo`: the whole story on a fresh database, in one process. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'create a fresh database, start the API and worker, and play a donor, an insurer and three clinics end to end',
    )
    .option(
      '--claims <n>',
      `claims the clinics submit (1-${MAX_CLAIMS})`,
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > MAX_CLAIMS)
          throw new Error(`--claims must be a whole number from 1 to ${MAX_CLAIMS}`);
        return n;
      },
      2000,
    )
    .option('--keep', 'keep the demo database afterwards and print its URL')
    .action(async (opts: { claims: number; keep?: boolean }) => {
      const started = Date.now();
      const log = (line: string) => process.stdout.write(`${line}\n`);
      log(`claimtrail demo: ${opts.claims} claims on a fresh database`);
      const stack = await startDemoStack();
      let outcome;
      try {
        outcome = await runDemoStory(stack.db, stack.baseUrl, { claims: opts.claims, log });
      } finally {
        await stack.close(Boolean(opts.keep));
      }
      const ok = outcome.ok;
      for (const p of outcome.problems) log(`PROBLEM: ${p}`);
      log(
        opts.keep
          ? `Database kept: ${printableUrl(stack.databaseUrl)}`
          : 'Demo database dropped (use --keep to keep it).',
      );
      log(
        `${ok ? 'Demo finished' : 'Demo finished with problems'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (!ok) process.exitCode = 1;
    });
}
