import { randomBytes } from 'node:crypto';

/** One component ceiling: how many operations per second a raw part managed on this machine. */
export interface CeilingResult {
  name: string;
  description: string;
  perSecond: number;
  /** Operations counted in the measured window. */
  samples: number;
  /** Length of the measured window, warm-up excluded. */
  durationMs: number;
}

/** Where the services are and how long each measurement runs. */
export interface CeilingOptions {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix; the queue name under it is unique to the run. */
  queuePrefix: string;
  /** Measured window of each ceiling, warm-up excluded. */
  durationMs: number;
  log?: (line: string) => void;
}

/** Operations per second over a window; 0 for an empty window. */
export function ratePerSecond(samples: number, durationMs: number): number {
  return durationMs > 0 ? (samples * 1000) / durationMs : 0;
}

/** The result record of a window, its rate derived from the counts. */
export function ceilingResult(
  name: string,
  description: string,
  samples: number,
  durationMs: number,
): CeilingResult {
  return { name, description, perSecond: ratePerSecond(samples, durationMs), samples, durationMs };
}

/** One line for the log: name, rate and counts. */
export function formatCeiling(r: CeilingResult): string {
  const rate = Math.round(r.perSecond).toLocaleString('en-US');
  return `ceiling ${r.name}: ${rate}/s (${r.samples} in ${Math.round(r.durationMs)} ms)`;
}

/**
 * A name unique to this run, made of lower-case letters, digits and `_` only, so it is a valid
 * unquoted SQL identifier and a BullMQ queue name (which refuses ':').
 */
export function uniqueRunName(stem: string, now = Date.now(), salt = randomBytes(4).toString('hex')): string {
  if (!/^[a-z][a-z0-9_]*$/.test(stem)) throw new Error(`invalid name stem ${JSON.stringify(stem)}`);
  return `${stem}_${now.toString(36)}_${salt}`;
}

/** A small deterministic PRNG (mulberry32) giving numbers in [0, 1), so generated inputs repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a clean-up step, logging rather than throwing its failure, so it neither masks the
 * measurement's own error nor stops the steps after it.
 */
export async function cleanUp(
  what: string,
  step: () => Promise<unknown>,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  try {
    await step();
  } catch (err: unknown) {
    log(`ceiling clean-up: could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
