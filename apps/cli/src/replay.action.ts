import { adjudicationRepositoryOn, replayDecision } from '@claimtrail/claims';
import { withDatabase } from './database';

/** What `claimtrail replay` was given besides the claim. */
export interface ReplayOptions {
  revision?: number;
  json?: boolean;
}

/** `claimtrail replay <claimId>`: reruns the rules on a decision's stored inputs. */
export async function replay(claimId: string, opts: ReplayOptions): Promise<void> {
  const result = await withDatabase((db) =>
    replayDecision(adjudicationRepositoryOn(db), claimId, opts.revision),
  );
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.identical) {
    process.stdout.write(
      `IDENTICAL: claim ${claimId} revision ${result.revision} replays to the stored decision under rule set ${result.ruleSetHash}\n`,
    );
  } else {
    process.stdout.write(`DIFFERENT: claim ${claimId} revision ${result.revision} replays differently:\n`);
    for (const d of result.differences) {
      process.stdout.write(
        `  ${d.path}: stored ${JSON.stringify(d.stored)}, replayed ${JSON.stringify(d.replayed)}\n`,
      );
    }
  }
  if (!result.identical) process.exitCode = 1;
}
