import { performance } from 'node:perf_hooks';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { assertRedisReachable } from '@claimtrail/claims/infra/preflight';
import {
  ceilingResult,
  cleanUp,
  formatCeiling,
  sleep,
  uniqueRunName,
  type CeilingOptions,
  type CeilingResult,
} from './ceiling';

/** Jobs per addBulk call, as the platform's producer batches them. */
const CHUNK = 1_000;
const CONCURRENCY = 50;
/** Jobs added but not yet completed, at most, while the worker runs: bounds the final drain. */
const MAX_BACKLOG = 10_000;
/** Longest wait for the worker to finish the jobs already added once adding stops. */
const DRAIN_TIMEOUT_MS = 120_000;

type BullmqOptions = Pick<CeilingOptions, 'redisUrl' | 'queuePrefix' | 'durationMs' | 'log'>;

/** Empty jobs, removed on completion: nothing but BullMQ's own bookkeeping is measured. */
const emptyChunk = Array.from({ length: CHUNK }, () => ({
  name: 'empty',
  data: {},
  opts: { removeOnComplete: true, removeOnFail: true },
}));

const connectionOf = (redisUrl: string): ConnectionOptions => ({ url: redisUrl, maxRetriesPerRequest: null });

/** Runs `fn` on a fresh queue of a run-unique name, then obliterates and closes it, even on error. */
async function withScratchQueue<T>(opts: BullmqOptions, fn: (queue: Queue) => Promise<T>): Promise<T> {
  // BullMQ's connections retry forever; an unreachable Redis should fail at once instead.
  await assertRedisReachable(opts.redisUrl);
  const queue = new Queue(uniqueRunName('ceiling_bullmq'), {
    connection: connectionOf(opts.redisUrl),
    prefix: opts.queuePrefix,
  });
  queue.on('error', (err) => opts.log?.(`ceiling bullmq: queue error: ${err.message}`));
  try {
    await queue.waitUntilReady();
    return await fn(queue);
  } finally {
    await cleanUp('obliterate the scratch queue', () => queue.obliterate({ force: true }), opts.log);
    await cleanUp('close the scratch queue', () => queue.close(), opts.log);
  }
}

/** BullMQ enqueue rate alone: addBulk of 1,000 empty jobs, one call in flight, no worker running. */
export async function measureBullmqAddBulk(opts: BullmqOptions): Promise<CeilingResult> {
  return withScratchQueue(opts, async (queue) => {
    let added = 0;
    const started = performance.now();
    const deadline = started + opts.durationMs;
    while (performance.now() < deadline) {
      await queue.addBulk(emptyChunk);
      added += CHUNK;
    }
    const result = ceilingResult(
      'bullmq-add-bulk',
      `BullMQ jobs added/s: addBulk of ${CHUNK} empty jobs, one call in flight, no worker running`,
      added,
      performance.now() - started,
    );
    opts.log?.(formatCeiling(result));
    return result;
  });
}

/**
 * BullMQ end to end, adding and processing overlapped: a worker (concurrency 50, no-op processor)
 * runs while addBulk of 1,000 empty jobs keeps at most 10,000 waiting; adding stops after
 * `durationMs` and the rate is jobs completed from the first add to the last completion.
 */
export async function measureBullmqEmptyJobs(opts: BullmqOptions): Promise<CeilingResult> {
  return withScratchQueue(opts, async (queue) => {
    let completed = 0;
    let lastCompletion = 0;
    const worker = new Worker(queue.name, async () => undefined, {
      connection: connectionOf(opts.redisUrl),
      prefix: opts.queuePrefix,
      concurrency: CONCURRENCY,
    });
    worker.on('completed', () => {
      completed++;
      lastCompletion = performance.now();
    });
    worker.on('error', (err) => opts.log?.(`ceiling bullmq: worker error: ${err.message}`));
    try {
      await worker.waitUntilReady();
      let added = 0;
      const started = performance.now();
      const deadline = started + opts.durationMs;
      while (performance.now() < deadline) {
        if (added - completed >= MAX_BACKLOG) {
          await sleep(1);
          continue;
        }
        await queue.addBulk(emptyChunk);
        added += CHUNK;
      }
      const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
      while (completed < added) {
        if (performance.now() > drainDeadline) {
          throw new Error(
            `worker completed only ${completed} of ${added} jobs within ${DRAIN_TIMEOUT_MS} ms`,
          );
        }
        await sleep(5);
      }
      const result = ceilingResult(
        'bullmq-empty-jobs',
        `BullMQ jobs processed/s end to end, add and process overlapped: addBulk of ${CHUNK} empty jobs, ` +
          `1 worker at concurrency ${CONCURRENCY}, no-op processor, removed on completion`,
        completed,
        lastCompletion - started,
      );
      opts.log?.(formatCeiling(result));
      return result;
    } finally {
      await cleanUp('close the worker', () => worker.close(), opts.log);
    }
  });
}
