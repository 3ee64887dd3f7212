import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { runLoad, type LoadShape, type Submission } from '../../../tools/bench/load';
import { seedWorkload, workloadClaim, type Workload } from '../../../tools/bench/workload';
import { runCli } from '../../support/cli';
import { createProjectDatabase, dropProjectDatabase } from '../../support/project-database';
import { dropQueueKeys } from '../../../apps/cli/src/scratch-database';
import { redisTarget } from '@claimtrail/claims/infra/redis-target';
import { client } from '../../support/stack';
import { projectEnvKey } from '../../support/test-databases';
import { AppProcess, freePort } from '../../../apps/cli/src/app-process';

/** The operations token of the rig's API: /health/ready and /metrics want it as a bearer token. */
export const FAULT_OPS_TOKEN = 'fault-rig-operations-token-0123456789';

/** A fresh database, the built API and worker as separate processes, and a seeded workload. */
export interface Rig {
  env: NodeJS.ProcessEnv;
  baseUrl: string;
  operatorKey: string;
  api: AppProcess;
  worker: AppProcess;
  /** A connection of the test's own, for checking what the apps wrote. */
  db: DataSource;
  workload: Workload;
  /** Sends `claims` claims of the workload, starting at index `from`. */
  load(opts: LoadRun): Promise<Submission[]>;
  /**
   * Runs `fault` while claims are sent: sending stops when the fault ends, whether it finished or
   * threw, and a fault that threw fails the test with its own error once the load has stopped.
   */
  loadDuring<T>(fault: () => Promise<T>, opts?: Omit<LoadRun, 'claims' | 'stop'>): Promise<[Submission[], T]>;
  close(): Promise<void>;
}

/** A load of the rig's workload: how many claims, from which index, at what shape, retried how long. */
export interface LoadRun {
  claims: number;
  from?: number;
  shape?: LoadShape;
  retryForMs?: number;
  stop?: () => boolean;
}

/** Starts a rig named after the fault; its database and queues are its own. */
export async function startRig(
  fault: string,
  opts: { members?: number; clinics?: number; env?: Record<string, string> } = {},
): Promise<Rig> {
  const project = `faults_${fault.replace(/[^a-z0-9]/gi, '_')}`;
  await createProjectDatabase(project);
  const databaseUrl = process.env[projectEnvKey(project)]!;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `${project}_${randomBytes(3).toString('hex')}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'log',
    LEDGER_BATCH_WAIT_MS: '20',
    // Recovery within seconds rather than the production minute, so the suite stays short.
    SWEEP_INTERVAL_MS: '1000',
    STUCK_CLAIM_AFTER_MS: '5000',
    // The suite drives thousands of requests a second from one address and one organization.
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    OPS_TOKEN: FAULT_OPS_TOKEN,
    // Every accepted claim is proven afterwards: a signed checkpoint every 16 blocks keeps each
    // proof's header chain short (256 by default), so thousands of proofs take seconds, not minutes.
    LEDGER_CHECKPOINT_INTERVAL: '16',
    ...opts.env,
  };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, QUEUE_PREFIX: env.QUEUE_PREFIX });
  const api = new AppProcess('api', env);
  const worker = new AppProcess('worker', env);
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig(env);
  const db = await connectDataSource({ ...config, DATABASE_POOL_SIZE: 4 });
  try {
    await api.start();
    await worker.start();
    const op = await runCli(['org', 'create', '--kind', 'operator', '--name', `Operator ${fault}`, '--json']);
    if (op.status !== 0) throw new Error(`org create failed: ${op.stderr}`);
    const operatorKey = (JSON.parse(op.stdout) as { apiKey: string }).apiKey;
    const workload = await seedWorkload(
      client(baseUrl, operatorKey),
      (key) => client(baseUrl, key),
      { members: opts.members ?? 2_000, clinics: opts.clinics ?? 6 },
      fault.replace(/[^A-Za-z0-9]/g, '').slice(0, 12),
    );
    const load = ({
      claims,
      from = 0,
      shape = { kind: 'closed', concurrency: 16 } as LoadShape,
      retryForMs = 120_000,
      stop,
    }: LoadRun) =>
      runLoad({
        baseUrl,
        clinicKeys: workload.clinics.map((c) => c.key),
        claims,
        shape,
        retryForMs,
        stop,
        claimAt: (i) => workloadClaim(workload, from + i),
      });
    return {
      env,
      baseUrl,
      operatorKey,
      api,
      worker,
      db,
      workload,
      load,
      async loadDuring(fault, opts = {}) {
        let ended = false;
        const run = fault().finally(() => (ended = true));
        // Handled here so that a fault failing early is not an unhandled rejection; thrown below.
        run.catch(() => undefined);
        // A steady open-loop load by default: always work in flight, and a number of claims the
        // audit can prove one by one afterwards.
        const subs = await load({
          claims: 1_000_000,
          shape: { kind: 'open', rate: 150 },
          ...opts,
          stop: () => ended,
        });
        return [subs, await run];
      },
      async close() {
        await Promise.all([worker.stop('SIGKILL'), api.stop('SIGKILL')]);
        await db.destroy().catch(() => undefined);
        await dropProjectDatabase(project);
        // The run's jobs, so that repeated runs leave nothing behind in Redis.
        await dropQueueKeys(redisTarget(config), env.QUEUE_PREFIX!).catch(() => undefined);
      },
    };
  } catch (err) {
    await Promise.all([worker.stop('SIGKILL'), api.stop('SIGKILL')]);
    await db.destroy().catch(() => undefined);
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\napi:\n${api.log}\nworker:\n${worker.log}`,
      { cause: err },
    );
  }
}
