import { Command } from 'commander';
import { replayDecision } from '@claimtrail/claims/adjudication/replay';
import { withDatabase } from './database';

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
    .action(async (claimId: string, opts: { revision?: number; json?: boolean }) => {
      const result = await withDatabase((db) => replayDecision(db, claimId, opts.revision));
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (result.identical) {
        process.stdout.write(
          `IDENTICAL: claim ${claimId} revision ${result.revision} replays to the stored decision under rule set ${result.ruleSetHash}\n`,
        );
      } else {
        process.stdout.write(
          `DIFFERENT: claim ${claimId} revision ${result.revision} replays differently:\n`,
        );
        for (const d of result.differences) {
          process.stdout.write(
            `  ${d.path}: stored ${JSON.stringify(d.stored)}, replayed ${JSON.stringify(d.replayed)}\n`,
          );
        }
      }
      if (!result.identical) process.exitCode = 1;
    });
}
