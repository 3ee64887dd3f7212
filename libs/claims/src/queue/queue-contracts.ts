import type { JobsOptions } from 'bullmq';

/** Every BullMQ queue of the platform. */
export enum QueueName {
  Adjudication = 'adjudicate',
}

/** Every job name; each has exactly one handler in apps/worker. */
export enum JobName {
  AdjudicateClaim = 'adjudicate-claim',
}

/** Payload of each job: ids only, the processor re-reads state. */
export interface JobPayloads {
  [JobName.AdjudicateClaim]: { claimId: string };
}

/** The queue each job runs on. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.AdjudicateClaim]: QueueName.Adjudication,
};

/** Retry and retention policy of each job type. */
const POLICY: Readonly<Record<JobName, Omit<JobsOptions, 'jobId'>>> = {
  [JobName.AdjudicateClaim]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
  },
};

/**
 * The one place that decides a job's id and options. Ids are deterministic so that a second
 * enqueue of the same work is absorbed by BullMQ while the first job is still known to Redis;
 * the database's keys and the chaincode's revision check guard the rest. BullMQ refuses ':'.
 */
export function jobOptions<N extends JobName>(
  name: N,
  payload: JobPayloads[N],
  tuning: { attempts?: number } = {},
): JobsOptions {
  switch (name) {
    case JobName.AdjudicateClaim:
      return { ...POLICY[name], ...tuning, jobId: adjudicationJobId(payload.claimId) };
    default:
      throw new Error(`no job options for ${String(name)}`);
  }
}

/** The BullMQ job id of a claim's adjudication: the claim id itself. */
export function adjudicationJobId(claimId: string): string {
  return claimId;
}
