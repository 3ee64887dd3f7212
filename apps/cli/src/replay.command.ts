import type { Command } from 'commander';
import type { ReplayOptions } from './replay.action';

/** `claimtrail replay <claimId>`: reruns the rules on a decision's stored inputs. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(
      "rerun adjudicate() on a claim's stored inputs and rule-set version; exits 1 if the outcome differs",
    )
    .argument('<claimId>', 'claim id')
    .option('--revision <n>', 'decision revision (default: the latest)', (v) => {
      const n = Number.parseInt(v, 10);
      if (!Number.isInteger(n) || n < 1) throw new Error('--revision must be a positive integer');
      return n;
    })
    .option('--json', 'print the result as JSON')
    .action((claimId: string, opts: ReplayOptions) =>
      (require('./replay.action') as typeof import('./replay.action')).replay(claimId, opts),
    );
}
