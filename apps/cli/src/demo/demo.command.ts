import type { Command } from 'commander';
import type { DemoOptions } from './demo.action';

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
    .action((opts: DemoOptions) => (require('./demo.action') as typeof import('./demo.action')).demo(opts));
}
