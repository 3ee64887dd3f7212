/**
 * Component ceilings: how fast the raw parts of the platform go on this machine, so that the
 * platform's own throughput can be printed as a fraction of each. Run one at a time, so they
 * do not compete for the cores.
 */
import { assertPostgresReachable, assertRedisReachable } from '@claimtrail/claims/infra/preflight';
import { measureAdjudicateOneCore } from './adjudicate-one-core';
import { measureBullmqAddBulk, measureBullmqEmptyJobs } from './bullmq-empty-jobs';
import type { CeilingOptions, CeilingResult } from './ceiling';
import { measureFastifyTrivialPost } from './fastify-trivial-post';
import { measurePostgresSingleRowTx } from './postgres-single-row-tx';

export type { CeilingOptions, CeilingResult } from './ceiling';
export { measureAdjudicateOneCore } from './adjudicate-one-core';
export { measureBullmqAddBulk, measureBullmqEmptyJobs } from './bullmq-empty-jobs';
export { measureFastifyTrivialPost } from './fastify-trivial-post';
export { measurePostgresSingleRowTx } from './postgres-single-row-tx';

/**
 * Measures every ceiling in turn, each for `durationMs` (plus set-up, warm-up and clean-up), in
 * the order adjudicate-one-core, postgres-single-row-tx, bullmq-add-bulk, bullmq-empty-jobs,
 * fastify-trivial-post. Checks both services first; the first failure is thrown, each measurement
 * having cleaned up after itself.
 */
export async function measureCeilings(opts: CeilingOptions): Promise<CeilingResult[]> {
  // Fail before spending minutes on the first ceilings if a service is down.
  await assertPostgresReachable(opts.databaseUrl);
  await assertRedisReachable(opts.redisUrl);
  const steps = [
    measureAdjudicateOneCore,
    measurePostgresSingleRowTx,
    measureBullmqAddBulk,
    measureBullmqEmptyJobs,
    measureFastifyTrivialPost,
  ];
  const results: CeilingResult[] = [];
  for (const step of steps) results.push(await step(opts));
  return results;
}
