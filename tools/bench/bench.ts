import { resolve } from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import type { DataSource } from 'typeorm';
import { assertFabricReachable, type DecisionRecord } from '@claimtrail/ledger';
import { organizationsServiceOn } from '@claimtrail/claims/infra/repositories/access-on-data-source';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { assertPostgresReachable, assertRedisReachable } from '@claimtrail/claims/infra/preflight';
import { createScratchDatabase } from '../../apps/cli/src/scratch-database';
import { AppProcess, freePort } from '../../apps/cli/src/app-process';
import { measureCeilings, type CeilingResult } from './ceilings';
import { measureFabricRecording, type FabricRecording } from './fabric-recording';
import { percentiles, type Percentiles } from './latency';
import { gitCommit, machineDescription } from './machine';
import { runLoad, type LoadShape, type Submission } from './load';
import { pidsNamed, pidsRunning, startSampler, summariseUsage, type UsageSummary } from './sampler';
import { timeline, type ClaimTimes, type TimelineRow } from './timeline';
import { seedWorkload, workloadClaim, type Workload } from './workload';
import { redisTarget } from '@claimtrail/claims/infra/redis-target';

/** What `claimtrail bench` is asked to do. */
export interface BenchOptions {
  /** Claims sent one per request (0: no single-claim phase); ignored when `durationS` is set. */
  claims: number;
  /** Run the single-claim phase for this long instead of a claim count. */
  durationS?: number;
  shape: LoadShape;
  /** Claims sent afterwards through POST /v1/claims/batch, in files of `batchSize`. */
  batchClaims: number;
  batchSize: number;
  /** Open loop for the batch phase: claims per second, sent as whole files; closed loop (4 files in flight) when absent. */
  batchRate?: number;
  members: number;
  clinics: number;
  /** Overrides WORKER_CONCURRENCY for the run. */
  workerConcurrency?: number;
  /** Where the ledger relay runs: its own worker process (`WORKER_ROLES=relay`) or inside the worker. */
  relay: 'process' | 'worker';
  /**
   * Seconds at the start of each phase whose claims are sent and counted but left out of the
   * latency percentiles (the apps' first seconds: compilation, connection pools, first plans).
   */
  warmupS: number;
  ceilings: boolean;
  ceilingSeconds: number;
  ledger: 'embedded' | 'fabric';
  /** With --ledger fabric: seconds of recording straight through the gateway, each way. */
  fabricSeconds: number;
  /** With --ledger fabric: batches sent together when recording straight through the gateway (default: the relay's). */
  fabricInFlight?: number;
  keep: boolean;
  /** Folder to write V8 CPU profiles of the API and the worker to (`node --cpu-prof`). */
  cpuProfileDir?: string;
  /** V8 old-space limit in MB of the API, worker and relay (`--max-old-space-size`); V8's own when absent. */
  heapLimitMb?: number;
  log: (line: string) => void;
}

/** One load phase's figures. */
export interface PhaseResult {
  phase: string;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  wallSeconds: number;
  acceptedPerSecond: number;
  decidedPerSecond: number;
  recordedPerSecond: number;
  latencyMs: { accept: Percentiles; decided: Percentiles; recorded: Percentiles };
  /** Claims sent in the phase's first `warmupS` seconds, not in the latency percentiles. */
  warmupClaims: number;
  /** Each stage's rate minute by minute from the phase's first send. */
  byMinute: TimelineRow[];
  ledger: { transactions: number; blocks: number; claimsPerTransaction: number };
  /** CPU and memory of each process while the phase ran; growth compares the peaks of its first and last minute (or fifth). */
  processes: UsageSummary[];
}

/** The whole result, as printed and as written to bench/results. */
export interface BenchResult {
  startedAt: string;
  commit: string | null;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    os: string;
    /** The PostgreSQL server's version and the settings that move these figures most. */
    postgres: Record<string, string>;
  };
  configuration: Record<string, unknown>;
  phases: PhaseResult[];
  ceilings: (CeilingResult & { claimtrailRatio: number })[];
  /** With --ledger fabric: recording one claim per transaction against the relay's batches. */
  fabric?: FabricRecording;
}

/** Runs the benchmark end to end on a scratch database and returns its result. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const base = loadConfig();
  await assertPostgresReachable(base.DATABASE_URL);
  await assertRedisReachable(redisTarget(base));
  const fabricNetworkConfig = resolve(base.FABRIC_NETWORK_CONFIG);
  const network = opts.ledger === 'fabric' ? await assertFabricReachable(fabricNetworkConfig) : null;
  const startedAt = new Date().toISOString();
  const scratch = await createScratchDatabase(base, 'claimtrail_bench');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: scratch.url,
    QUEUE_PREFIX: scratch.name,
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKER_METRICS_PORT: '0',
    ...(opts.workerConcurrency ? { WORKER_CONCURRENCY: String(opts.workerConcurrency) } : {}),
    LOG_LEVEL: 'log',
    LEDGER: opts.ledger,
    FABRIC_NETWORK_CONFIG: fabricNetworkConfig,
    // Hundreds of clinics share one machine and address here; the rate limits are not what is measured.
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
  };
  const appConfig = loadConfig(env);
  const nodeArgs = [
    ...(opts.heapLimitMb ? [`--max-old-space-size=${opts.heapLimitMb}`] : []),
    ...(opts.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfileDir] : []),
  ];
  const api = new AppProcess('api', env, nodeArgs);
  const ownRelay = opts.relay === 'process';
  const worker = new AppProcess(
    'worker',
    ownRelay ? { ...env, WORKER_ROLES: 'adjudication,sweeper' } : env,
    nodeArgs,
  );
  const relay = ownRelay ? new AppProcess('worker', { ...env, WORKER_ROLES: 'relay' }, nodeArgs) : null;
  const apps = new Map<string, AppProcess>([
    ['api', api],
    ['worker', worker],
  ]);
  if (relay) apps.set('relay', relay);
  const stopApps = async () => {
    await Promise.all([...apps.values()].map((a) => a.stop('SIGTERM')));
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    for (const app of apps.values()) await app.start(60_000);
    const workload = await seed(scratch.db, baseUrl, opts);
    const sampler = startSampler({
      api: () => (api.pid ? [api.pid] : []),
      worker: () => (worker.pid ? [worker.pid] : []),
      ...(relay ? { relay: () => (relay.pid ? [relay.pid] : []) } : {}),
      'load generator': () => [process.pid],
      postgres: pidsNamed('postgres'),
      redis: pidsNamed('redis-server'),
      // A local Fabric network's processes, when the run records on one (none for a remote network).
      ...(network
        ? {
            'fabric peers': pidsNamed('peer'),
            'fabric orderer': pidsNamed('orderer'),
            'fabric chaincode': pidsRunning('fabric-chaincode-node server'),
          }
        : {}),
    });
    const specs: PhaseSpec[] = [];
    if (opts.durationS || opts.claims > 0) {
      specs.push({
        name:
          opts.shape.kind === 'open'
            ? `POST /v1/claims, ${opts.shape.rate}/s open loop`
            : `POST /v1/claims, ${opts.shape.concurrency} in flight`,
        from: 0,
        claims: opts.durationS ? Number.MAX_SAFE_INTEGER : opts.claims,
        batch: 1,
        shape: opts.shape,
      });
    }
    if (opts.batchClaims > 0) {
      specs.push({
        name: opts.batchRate
          ? `POST /v1/claims/batch, ${opts.batchSize} per file, ${opts.batchRate}/s open loop`
          : `POST /v1/claims/batch, ${opts.batchSize} per file, 4 in flight`,
        from: 10_000_000,
        claims: opts.batchClaims,
        batch: opts.batchSize,
        shape: opts.batchRate ? { kind: 'open', rate: opts.batchRate } : { kind: 'closed', concurrency: 4 },
      });
    }
    if (specs.length === 0) throw new Error('nothing to send: give --claims, --duration or --batch-claims');
    // Sample times count from the sampler's start, which is the start of the run.
    const spans: [number, number][] = [];
    const measured: Omit<PhaseResult, 'processes'>[] = [];
    for (const spec of specs) {
      const from = Date.now() - sampler.startedAt;
      measured.push(await phase(scratch.db, opts, workload, baseUrl, spec));
      spans.push([from, Date.now() - sampler.startedAt]);
    }
    const usage = await sampler.stop();
    const phases: PhaseResult[] = measured.map((m, i) => {
      const [from, to] = spans[i];
      return { ...m, processes: usage.map((u) => summariseUsage(u, from, to)) };
    });

    let ceilings: BenchResult['ceilings'] = [];
    if (opts.ceilings) {
      opts.log(`measuring the parts' ceilings (${opts.ceilingSeconds} s each)…`);
      const recorded = phases[0].recordedPerSecond;
      ceilings = (
        await measureCeilings({
          databaseUrl: base.DATABASE_URL,
          redisUrl: base.REDIS_URL,
          queuePrefix: `${scratch.name}_ceiling`,
          durationMs: opts.ceilingSeconds * 1000,
        })
      ).map((c) => ({ ...c, claimtrailRatio: Math.round((recorded / c.perSecond) * 1000) / 1000 }));
    }
    let fabric: FabricRecording | undefined;
    if (network) {
      // The ledger alone: the relay would otherwise follow every event these transactions emit.
      await stopApps();
      const rows: { record: DecisionRecord }[] = await scratch.db.query(
        `SELECT record FROM ledger_outbox WHERE kind = 'decision' ORDER BY id LIMIT 5000`,
      );
      fabric = await measureFabricRecording({
        network,
        templates: rows.map((r) => r.record),
        seconds: opts.fabricSeconds,
        batchesInFlight: opts.fabricInFlight ?? appConfig.LEDGER_BATCHES_IN_FLIGHT,
        batchSize: appConfig.LEDGER_BATCH_SIZE,
        log: opts.log,
      });
    }
    return {
      startedAt,
      commit: gitCommit(),
      machine: await machineDescription(scratch.db),
      configuration: {
        ledger: opts.ledger,
        ...(network
          ? { fabricChannel: network.channel, fabricBlockCutting: network.blockCutting ?? null }
          : {}),
        members: opts.members,
        clinics: opts.clinics,
        load: opts.shape,
        claims: opts.durationS ? undefined : opts.claims,
        durationS: opts.durationS,
        batchClaims: opts.batchClaims,
        batchSize: opts.batchSize,
        batchRate: opts.batchRate,
        warmupS: opts.warmupS,
        workerConcurrency: appConfig.WORKER_CONCURRENCY,
        adjudicationBatchSize: appConfig.ADJUDICATION_BATCH_SIZE,
        adjudicationBatchWaitMs: appConfig.ADJUDICATION_BATCH_WAIT_MS,
        adjudicationBatchesInFlight: appConfig.ADJUDICATION_BATCHES_IN_FLIGHT,
        relay: opts.relay,
        ledgerBatchSize: appConfig.LEDGER_BATCH_SIZE,
        ledgerBatchWaitMs: appConfig.LEDGER_BATCH_WAIT_MS,
        ledgerBatchesInFlight: appConfig.LEDGER_BATCHES_IN_FLIGHT,
        databasePoolSize: appConfig.DATABASE_POOL_SIZE,
        heapLimitMb: opts.heapLimitMb ?? null,
        // Options every node process of the run inherits, the load generator's included.
        nodeOptions: process.env.NODE_OPTIONS ?? null,
      },
      phases,
      ceilings,
      ...(fabric ? { fabric } : {}),
    };
  } catch (err) {
    throw new Error(
      [
        err instanceof Error ? err.message : String(err),
        ...[...apps].map(([n, a]) => `${n}:\n${a.log}`),
      ].join('\n'),
      {
        cause: err,
      },
    );
  } finally {
    await stopApps();
    await scratch.db.destroy();
    if (opts.keep) opts.log(`database kept: ${scratch.name}`);
    else await scratch.drop();
  }
}

/** Creates the operator in the database, then everything else over the API, with a progress bar. */
async function seed(db: DataSource, baseUrl: string, opts: BenchOptions): Promise<Workload> {
  const { apiKey } = await organizationsServiceOn(db).create('operator', 'Benchmark operator');
  const call =
    (key: string) =>
    async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
  const bars = progressBars();
  const bar = bars.create(opts.members, 0, { name: 'members enrolled' });
  try {
    return await seedWorkload(
      call(apiKey),
      call,
      { members: opts.members, clinics: opts.clinics },
      `b${Date.now().toString(36)}`,
      (n) => bar.update(n),
    );
  } finally {
    bars.stop();
  }
}

interface PhaseSpec {
  name: string;
  from: number;
  claims: number;
  batch: number;
  shape: LoadShape;
}

/** Sends one phase's claims, waits until each accepted one is on the ledger, and measures. */
async function phase(
  db: DataSource,
  opts: BenchOptions,
  w: Workload,
  baseUrl: string,
  spec: PhaseSpec,
): Promise<Omit<PhaseResult, 'processes'>> {
  opts.log(`phase: ${spec.name}`);
  const total = opts.durationS && spec.batch === 1 ? 0 : spec.claims;
  const bars = progressBars();
  const sentBar = bars.create(total, 0, { name: 'accepted' });
  const decidedBar = bars.create(total, 0, { name: 'decided' });
  const recordedBar = bars.create(total, 0, { name: 'recorded on the ledger' });
  const started = Date.now();
  let accepted = 0;
  const deadline = opts.durationS ? started + opts.durationS * 1000 : Infinity;
  // What is still on its way, counted on the two index ranges that hold it (claims waiting for a
  // decision, outbox rows waiting for the ledger) rather than over every claim. Until vacuum
  // passes, those ranges also hold the entries of rows that have moved on, so the progress bars
  // poll only every few seconds; the drain at the end polls faster. Earlier phases have drained
  // before this one starts.
  const backlog = async () => {
    const [c] = await db.query(
      `SELECT (SELECT count(*)::int FROM claims WHERE status IN ('received', 'adjudicating')) AS undecided,
              (SELECT count(*)::int FROM ledger_outbox WHERE committed_at IS NULL) AS unrecorded`,
    );
    return c as { undecided: number; unrecorded: number };
  };
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const sent = accepted;
      const c = await backlog();
      const grow = (bar: typeof sentBar, n: number) => {
        if (total === 0) bar.setTotal(Math.max(accepted, 1));
        bar.update(Math.max(0, n));
      };
      grow(sentBar, accepted);
      grow(decidedBar, sent - c.undecided);
      grow(recordedBar, sent - c.undecided - c.unrecorded);
      for (let waited = 0; polling && waited < 5_000; waited += 250)
        await new Promise((r) => setTimeout(r, 250));
    }
  })();
  let subs: Submission[];
  try {
    subs = await runLoad({
      baseUrl,
      clinicKeys: w.clinics.map((c) => c.key),
      claims: spec.claims,
      shape: spec.shape,
      batch: spec.batch,
      stop: () => Date.now() >= deadline,
      // A file is one clinic's day: consecutive files come from consecutive contracted clinics.
      claimAt: (i) =>
        spec.batch === 1
          ? workloadClaim(w, spec.from + i)
          : workloadClaim(w, spec.from + i, Math.floor(i / spec.batch) % (w.clinics.length - 1)),
      onSettled: (s) => {
        if (s.claimId) accepted += 1;
      },
    });
    const ids = [...new Set(subs.flatMap((s) => (s.claimId ? [s.claimId] : [])))];
    // Every accepted claim must reach the ledger; a run that cannot is a failed run, not a slow one.
    const waitUntil = Date.now() + 600_000;
    for (;;) {
      const c = await backlog();
      if (c.undecided + c.unrecorded === 0) break;
      if (Date.now() > waitUntil)
        throw new Error(
          `${c.undecided} of ${ids.length} claims undecided and ${c.unrecorded} decisions off the ledger after 10 minutes`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    polling = false;
    await poller;
    bars.stop();
  }

  const timings: { id: string; decided: Date; recorded: Date }[] = await db.query(
    `SELECT c.id, d.decided_at AS decided, o.committed_at AS recorded
       FROM claims c
       JOIN claim_decisions d ON d.claim_id = c.id AND d.revision = 1
       JOIN ledger_outbox o ON o.kind = 'decision' AND o.claim_id = c.id AND o.revision = 1
      WHERE c.id = ANY($1)`,
    [subs.flatMap((s) => (s.claimId ? [s.claimId] : []))],
  );
  const byId = new Map(timings.map((t) => [t.id, t]));
  const acceptLat: number[] = [];
  const decidedLat: number[] = [];
  const recordedLat: number[] = [];
  const firstSent = subs.reduce((first, s) => Math.min(first, s.sentAt), Infinity);
  const measuredFrom = firstSent + opts.warmupS * 1000;
  let warmupClaims = 0;
  let lastDecided = 0;
  let lastRecorded = 0;
  let lastAccepted = 0;
  const errors: Record<string, number> = {};
  const times: ClaimTimes[] = [];
  for (const s of subs) {
    if (!s.claimId) {
      errors[String(s.status)] = (errors[String(s.status)] ?? 0) + 1;
      continue;
    }
    lastAccepted = Math.max(lastAccepted, s.acceptedAt!);
    const t = byId.get(s.claimId);
    times.push({ sent: s.sentAt, decided: t?.decided.getTime(), recorded: t?.recorded.getTime() });
    if (s.sentAt < measuredFrom) warmupClaims += 1;
    else {
      acceptLat.push(s.acceptedAt! - s.sentAt);
      if (t) {
        decidedLat.push(t.decided.getTime() - s.sentAt);
        recordedLat.push(t.recorded.getTime() - s.sentAt);
      }
    }
    if (!t) continue;
    lastDecided = Math.max(lastDecided, t.decided.getTime());
    lastRecorded = Math.max(lastRecorded, t.recorded.getTime());
  }
  // Transactions and blocks that hold this phase's decisions, as the relay noted them (either ledger).
  const [{ tx, blocks }] = await db.query(
    `SELECT count(DISTINCT tx_id)::int AS tx, count(DISTINCT block_number)::int AS blocks
       FROM ledger_outbox WHERE kind = 'decision' AND claim_id = ANY($1)`,
    [[...byId.keys()]],
  );
  const n = byId.size;
  const rate = (until: number) =>
    until > firstSent ? Math.round((n / ((until - firstSent) / 1000)) * 10) / 10 : 0;
  return {
    phase: spec.name,
    sent: subs.length,
    accepted,
    errors,
    wallSeconds: Math.round((lastRecorded - firstSent) / 100) / 10,
    acceptedPerSecond: rate(lastAccepted),
    decidedPerSecond: rate(lastDecided),
    recordedPerSecond: rate(lastRecorded),
    latencyMs: {
      accept: percentiles(acceptLat),
      decided: percentiles(decidedLat),
      recorded: percentiles(recordedLat),
    },
    warmupClaims,
    byMinute: timeline(firstSent, times),
    ledger: {
      transactions: tx,
      blocks,
      claimsPerTransaction: tx > 0 ? Math.round((n / tx) * 10) / 10 : 0,
    },
  };
}

/** Progress bars that also report, every 10 s, when the output is a log rather than a terminal. */
function progressBars(): MultiBar {
  return new MultiBar(
    {
      clearOnComplete: false,
      hideCursor: true,
      format: ' {bar} {value}/{total} {name}',
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    },
    Presets.shades_classic,
  );
}
