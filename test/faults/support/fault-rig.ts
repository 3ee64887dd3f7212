import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { runLoad, type LoadShape, type Submission } from '../../../apps/cli/src/bench/load';
import { seedWorkload, workloadClaim, type Workload } from '../../../apps/cli/src/bench/workload';
import { runCli } from '../../support/cli';
import { createProjectDatabase, dropProjectDatabase } from '../../support/project-database';
import { dropQueueKeys } from '../../../apps/cli/src/scratch-database';
import { client } from '../../support/stack';
import { projectEnvKey } from '../../support/test-databases';
import { AppProcess, freePort } from '../../../apps/cli/src/bench/app-process';

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
  load(opts: {
    claims: number;
    from?: number;
    shape?: LoadShape;
    retryForMs?: number;
    stop?: () => boolean;
  }): Promise<Submission[]>;
  close(): Promise<void>;
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
    RATE_LIMIT_PER_MINUTE: '10000000',
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
    const op = runCli(['org', 'create', '--kind', 'operator', '--name', `Operator ${fault}`, '--json']);
    if (op.status !== 0) throw new Error(`org create failed: ${op.stderr}`);
    const operatorKey = (JSON.parse(op.stdout) as { apiKey: string }).apiKey;
    const workload = await seedWorkload(
      client(baseUrl, operatorKey),
      (key) => client(baseUrl, key),
      { members: opts.members ?? 2_000, clinics: opts.clinics ?? 6 },
      fault.replace(/[^A-Za-z0-9]/g, '').slice(0, 12),
    );
    return {
      env,
      baseUrl,
      operatorKey,
      api,
      worker,
      db,
      workload,
      load: ({ claims, from = 0, shape = { kind: 'closed', concurrency: 16 }, retryForMs = 120_000, stop }) =>
        runLoad({
          baseUrl,
          clinicKeys: workload.clinics.map((c) => c.key),
          claims,
          shape,
          retryForMs,
          stop,
          claimAt: (i) => workloadClaim(workload, from + i),
        }),
      async close() {
        await Promise.all([worker.stop('SIGKILL'), api.stop('SIGKILL')]);
        await db.destroy().catch(() => undefined);
        await dropProjectDatabase(project);
        // The run's jobs, so that repeated runs leave nothing behind in Redis.
        await dropQueueKeys(config.REDIS_URL, env.QUEUE_PREFIX!).catch(() => undefined);
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
