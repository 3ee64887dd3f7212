import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBench, type BenchResult } from './bench';
import { runReconcileBench } from './reconcile-bench';

const whole = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/** The benchmark itself (the program's own options and action): seeds the scenario, drives the real API and prints where it stands. */
export function configureBench(program: Command): void {
  program
    .description(
      'seed a payer, clinics and members on a fresh database, drive the real API and worker with claims, and measure',
    )
    .option('--claims <n>', 'claims sent one per request (0: none)', whole('--claims', 0, 10_000_000), 20_000)
    .option(
      '--duration <s>',
      'send for this many seconds instead of a claim count',
      whole('--duration', 1, 86_400),
    )
    .option('--rate <n>', 'open loop: claims per second, whatever the answers', whole('--rate', 1, 1_000_000))
    .option(
      '--concurrency <n>',
      'closed loop: requests in flight (when --rate is not given)',
      whole('--concurrency', 1, 4_096),
      192,
    )
    .option(
      '--batch-claims <n>',
      'claims sent afterwards through POST /v1/claims/batch (0: none)',
      whole('--batch-claims', 0, 10_000_000),
      5_000,
    )
    .option('--batch-size <n>', 'claims per batch file', whole('--batch-size', 1, 1_000), 500)
    .option(
      '--batch-rate <n>',
      'batch phase in open loop: claims per second, sent as whole files (default: 4 files in flight)',
      whole('--batch-rate', 1, 1_000_000),
    )
    .option('--members <n>', 'members enrolled', whole('--members', 100, 10_000_000), 100_000)
    .option('--clinics <n>', 'clinics (one of them uncontracted)', whole('--clinics', 2, 10_000), 300)
    .option(
      '--worker-concurrency <n>',
      'jobs each worker runs at once (default: WORKER_CONCURRENCY)',
      whole('--worker-concurrency', 1, 1_024),
    )
    .addOption(
      new Option('--relay <where>', 'run the ledger relay in its own worker process or inside the worker')
        .choices(['process', 'worker'])
        .default('process'),
    )
    .option(
      '--warmup <s>',
      "leave the claims sent in each phase's first seconds out of the latency percentiles",
      whole('--warmup', 0, 3_600),
      0,
    )
    .option('--no-ceilings', "skip measuring the parts' ceilings")
    .option('--ceiling-seconds <s>', 'seconds per ceiling', whole('--ceiling-seconds', 1, 600), 5)
    .addOption(
      new Option('--ledger <kind>', 'ledger to record on')
        .choices(['embedded', 'fabric'])
        .default('embedded'),
    )
    .option(
      '--fabric-seconds <s>',
      'with --ledger fabric: seconds of recording one claim per transaction, then in batches',
      whole('--fabric-seconds', 1, 3_600),
      15,
    )
    .option(
      '--fabric-in-flight <n>',
      'with --ledger fabric: batches sent together when recording in batches (default: LEDGER_BATCHES_IN_FLIGHT)',
      whole('--fabric-in-flight', 1, 64),
    )
    .option('--out <dir>', 'folder for the JSON result', 'bench/results')
    .option('--keep', 'keep the benchmark database afterwards')
    .option('--cpu-prof <dir>', 'write V8 CPU profiles of the API and the worker to this folder')
    .option(
      '--heap-limit <mb>',
      "V8 old-space limit of the API, worker and relay processes (node's --max-old-space-size)",
      whole('--heap-limit', 64, 65_536),
    )
    .action(async (o) => {
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const result = await runBench({
        claims: o.claims,
        durationS: o.duration,
        shape: o.rate ? { kind: 'open', rate: o.rate } : { kind: 'closed', concurrency: o.concurrency },
        batchClaims: o.batchClaims,
        batchSize: o.batchSize,
        batchRate: o.batchRate,
        members: o.members,
        clinics: o.clinics,
        workerConcurrency: o.workerConcurrency,
        relay: o.relay,
        ceilings: o.ceilings,
        ceilingSeconds: o.ceilingSeconds,
        ledger: o.ledger,
        fabricSeconds: o.fabricSeconds,
        fabricInFlight: o.fabricInFlight,
        keep: Boolean(o.keep),
        cpuProfileDir: o.cpuProf,
        heapLimitMb: o.heapLimit,
        warmupS: o.warmup,
        log,
      });
      printResult(result, log);
      mkdirSync(o.out, { recursive: true });
      const file = join(
        o.out,
        `${result.startedAt.replace(/[:.]/g, '-')}-${(result.commit ?? 'nogit').slice(0, 8)}.json`,
      );
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      log(`result written to ${file}`);
    });
}

/** Prints the tables: throughput and latency per phase, resources per process, ceilings and ratios. */
export function printResult(r: BenchResult, log: (line: string) => void): void {
  log(`\nclaimtrail bench ${r.startedAt} commit ${r.commit?.slice(0, 12) ?? 'unknown'}`);
  log(
    `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GiB, Node ${r.machine.node}, ${r.machine.os}`,
  );
  const { server_version: version, ...settings } = r.machine.postgres;
  log(
    `PostgreSQL ${version}: ${Object.entries(settings)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
  );
  const { heapLimitMb, nodeOptions } = r.configuration;
  const heap = heapLimitMb ? `${String(heapLimitMb)} MB` : "V8's own limit";
  log(`apps' V8 old space: ${heap}${nodeOptions ? `; NODE_OPTIONS ${String(nodeOptions)}` : ''}`);
  log('\nthroughput (claims/s, first sent to last of each stage) and errors');
  console.table(
    r.phases.map((p) => ({
      phase: p.phase,
      accepted: p.accepted,
      'accepted/s': p.acceptedPerSecond,
      'decided/s': p.decidedPerSecond,
      'recorded/s': p.recordedPerSecond,
      errors:
        Object.entries(p.errors)
          .map(([s, n]) => `${n}×${s}`)
          .join(' ') || 0,
      'claims per ledger tx': p.ledger.claimsPerTransaction,
      blocks: p.ledger.blocks,
    })),
  );
  const warmupS = Number(r.configuration.warmupS ?? 0);
  log(
    warmupS > 0
      ? `latency from sending a claim (ms), leaving out the claims sent in each phase's first ${warmupS} s (${r.phases.map((p) => p.warmupClaims).join(', ')})`
      : 'latency from sending a claim (ms)',
  );
  console.table(
    r.phases.flatMap((p) =>
      (['accept', 'decided', 'recorded'] as const).map((stage) => ({
        phase: p.phase,
        stage:
          stage === 'accept'
            ? 'submit → 202'
            : stage === 'decided'
              ? 'submit → decided'
              : 'submit → on the ledger',
        p50: p.latencyMs[stage].p50,
        p95: p.latencyMs[stage].p95,
        p99: p.latencyMs[stage].p99,
        max: p.latencyMs[stage].max,
      })),
    ),
  );
  for (const phase of r.phases.filter((p) => p.byMinute.length > 1)) {
    log(`claims/s minute by minute during '${phase.phase}' (the last row is what was left)`);
    console.table(
      phase.byMinute.map((m) => ({
        from: `${m.fromS} s`,
        seconds: m.seconds,
        'sent/s': m.sentPerSecond,
        'decided/s': m.decidedPerSecond,
        'recorded/s': m.recordedPerSecond,
      })),
    );
  }
  for (const phase of r.phases) {
    log(
      `processes during '${phase.phase}' (CPU in % of one core; memory resident; early and late: the phase's first and last minute, or fifth if shorter)`,
    );
    console.table(
      phase.processes.map((p) => ({
        process: p.name,
        'cpu mean %': p.cpuMeanPct,
        'cpu peak %': p.cpuPeakPct,
        'rss peak MB': p.rssPeakMb,
        'rss peak early MB': p.rssEarlyMb,
        'rss peak late MB': p.rssLateMb,
        'growth %': p.rssGrowthPct,
        'rss peak by minute MB': p.rssPeakByMinuteMb.join(' / '),
      })),
    );
  }
  if (r.fabric) {
    const cut = r.fabric.blockCutting;
    log(
      `recording on Fabric, same run (blocks cut at ${cut ? `${cut.maxMessageCount} transactions, ${cut.preferredMaxBytes} bytes or ${cut.batchTimeout}` : 'the network’s settings'}); batched / single: ${r.fabric.ratio}×`,
    );
    console.table(
      [r.fabric.single, r.fabric.batched].map((m) => ({
        mode: m.mode,
        'in flight': m.inFlight,
        transactions: m.transactions,
        claims: m.claims,
        seconds: m.seconds,
        'claims/s': m.claimsPerSecond,
        'tx/s': m.transactionsPerSecond,
      })),
    );
  }
  if (r.ceilings.length > 0) {
    log("ceilings of the parts on this machine, and claimtrail's recorded claims/s as a ratio of each");
    console.table(
      r.ceilings.map((c) => ({
        part: c.name,
        'per second': Math.round(c.perSecond),
        'claimtrail ratio': c.claimtrailRatio,
        measured: c.description,
      })),
    );
  }
}

/** `reconcile`: loads a ledger of genuine records and times a full reconciliation of it. */
export function registerReconcileBenchCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      'load a fresh database and embedded ledger with signed decisions and payments, then time a full reconciliation against the ceiling of reading the same rows',
    )
    .option('--records <n>', 'ledger records to reconcile', whole('--records', 10, 100_000_000), 1_000_000)
    .option('--out <dir>', 'folder for the JSON result', 'bench/results')
    .option('--keep', 'keep the benchmark database afterwards')
    .action(async (o: { records: number; out: string; keep?: boolean }) => {
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const r = await runReconcileBench({ records: o.records, keep: Boolean(o.keep), log });
      log(`\nclaimtrail bench reconcile ${r.startedAt} commit ${r.commit?.slice(0, 12) ?? 'unknown'}`);
      log(`${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GiB, Node ${r.machine.node}`);
      log(
        `loaded ${r.configuration.claims} claims (${r.configuration.paid} paid) in ${r.loadSeconds.toFixed(0)} s`,
      );
      console.table({
        'full reconciliation': {
          records: r.reconcile.records,
          seconds: Number(r.reconcile.seconds.toFixed(1)),
          'records/s': Math.round(r.reconcile.recordsPerSecond),
          differences: r.reconcile.differences,
        },
        'ceiling: read the same rows': {
          records: '',
          seconds: Number(r.ceiling.seconds.toFixed(1)),
          'records/s': Math.round(r.ceiling.recordsPerSecond),
          differences: '',
        },
      });
      log(`reconciliation / ceiling: ${r.ratio.toFixed(2)}`);
      mkdirSync(o.out, { recursive: true });
      const file = join(
        o.out,
        `reconcile-${r.startedAt.replace(/[:.]/g, '-')}-${(r.commit ?? 'nogit').slice(0, 8)}.json`,
      );
      writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
      log(`result written to ${file}`);
      if (r.reconcile.differences > 0) process.exitCode = 1;
    });
}
