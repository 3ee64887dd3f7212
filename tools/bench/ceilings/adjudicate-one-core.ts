import { performance } from 'node:perf_hooks';
import { adjudicate } from '@claimtrail/claims/domain/adjudicate';
import { buildAdjudicationInputs } from './adjudication-inputs';
import { ceilingResult, formatCeiling, type CeilingOptions, type CeilingResult } from './ceiling';

/** Distinct inputs the loop cycles through: enough that no single shape dominates the JIT's view. */
const INPUTS = 1_000;
/** Calls between clock reads, so reading the clock costs nothing measurable. */
const BATCH = 256;

/**
 * `adjudicate()` alone, synchronously on the calling thread (one core), cycling over 1,000
 * pre-built varied inputs after one untimed warm-up pass. Blocks the event loop for `durationMs`.
 */
export async function measureAdjudicateOneCore(
  opts: Pick<CeilingOptions, 'durationMs' | 'log'>,
): Promise<CeilingResult> {
  const inputs = buildAdjudicationInputs(INPUTS);
  for (const input of inputs) adjudicate(input.claim, input.context);

  // Every decision is inspected and the tally reported, so the calls cannot be optimised away.
  const tally: Record<string, number> = {};
  let calls = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;
  let now = started;
  while (now < deadline) {
    for (let k = 0; k < BATCH; k++) {
      const input = inputs[next];
      const { status } = adjudicate(input.claim, input.context);
      tally[status] = (tally[status] ?? 0) + 1;
      next = next + 1 === inputs.length ? 0 : next + 1;
    }
    calls += BATCH;
    now = performance.now();
  }

  const result = ceilingResult(
    'adjudicate-one-core',
    `adjudicate() in a tight loop on one core over ${INPUTS} varied fixture-built claims (1-6 lines, histories, 6 plans)`,
    calls,
    now - started,
  );
  opts.log?.(`${formatCeiling(result)}; decisions ${JSON.stringify(tally)}`);
  return result;
}
