import { execFileSync } from 'node:child_process';
import pidusage from 'pidusage';

/** One reading of a process group: CPU in % of one core, resident memory in bytes. */
export interface Sample {
  atMs: number;
  cpu: number;
  rss: number;
}

/** Resource use of one named process (or group of processes, such as PostgreSQL's backends). */
export interface ProcessUsage {
  name: string;
  samples: Sample[];
}

/** Where a process group's pids come from: fixed, or looked up at every reading. */
export type PidSource = () => number[];

/** The pids of every process whose command name is `name` (PostgreSQL's server and backends). */
export const pidsNamed = (name: string): PidSource => pgrep(['-x', name]);

/** The processes whose whole command line contains `text` (`pgrep -f`). */
export const pidsRunning = (text: string): PidSource => pgrep(['-f', text]);

function pgrep(args: string[]): PidSource {
  return () => {
    try {
      return execFileSync('pgrep', args, { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number)
        .filter((pid) => pid !== process.pid);
    } catch {
      return [];
    }
  };
}

/**
 * Reads CPU and resident memory of each process group every `intervalMs` until stopped. A
 * group's figures are the sums over its processes; a process that has gone is skipped.
 */
export function startSampler(groups: Record<string, PidSource>, intervalMs = 1_000) {
  const start = Date.now();
  const usage: ProcessUsage[] = Object.keys(groups).map((name) => ({ name, samples: [] }));
  let stopped = false;
  const tick = async () => {
    for (const u of usage) {
      const pids = groups[u.name]();
      if (pids.length === 0) continue;
      const stats = await pidusage(pids).catch(() => ({}) as Record<string, pidusage.Status>);
      const all = Object.values(stats).filter(Boolean);
      if (all.length === 0) continue;
      u.samples.push({
        atMs: Date.now() - start,
        cpu: all.reduce((s, x) => s + x.cpu, 0),
        rss: all.reduce((s, x) => s + x.memory, 0),
      });
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick();
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    usage,
    /** When sampling began (ms since the epoch); every sample's `atMs` counts from here. */
    startedAt: start,
    async stop(): Promise<ProcessUsage[]> {
      stopped = true;
      await loop;
      pidusage.clear();
      return usage;
    },
  };
}

/** Summary of a process group's readings: mean and peak CPU, peak memory, and its growth. */
export interface UsageSummary {
  name: string;
  cpuMeanPct: number;
  cpuPeakPct: number;
  rssPeakMb: number;
  /** Peak resident memory in the phase's first and last minute (or fifth), and the growth between them in %. */
  rssEarlyMb: number;
  rssLateMb: number;
  rssGrowthPct: number;
  /** Peak resident memory in each minute of the phase (the last entry is what was left). */
  rssPeakByMinuteMb: number[];
}

const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const peak = (samples: Sample[]) => samples.reduce((m, s) => Math.max(m, s.rss), 0);

/**
 * Summarises readings taken during [fromMs, toMs). Growth compares the highest reading of the
 * first minute (or fifth, in a shorter phase) with the highest of the last: resident memory of a
 * garbage-collected process is a sawtooth, so two single readings say more about where each fell
 * in it than about growth, while the tops of the teeth rise only if something keeps memory.
 */
export function summariseUsage(u: ProcessUsage, fromMs: number, toMs: number): UsageSummary {
  const inRun = u.samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  if (inRun.length === 0) {
    return {
      name: u.name,
      cpuMeanPct: 0,
      cpuPeakPct: 0,
      rssPeakMb: 0,
      rssEarlyMb: 0,
      rssLateMb: 0,
      rssGrowthPct: 0,
      rssPeakByMinuteMb: [],
    };
  }
  const window = Math.min(60_000, (toMs - fromMs) / 5);
  const early = peak(inRun.filter((s) => s.atMs < fromMs + window));
  const late = peak(inRun.filter((s) => s.atMs >= toMs - window));
  const minutes = Math.max(1, Math.ceil((toMs - fromMs) / 60_000));
  const byMinute = Array.from({ length: minutes }, (_, i) =>
    mb(peak(inRun.filter((s) => Math.floor((s.atMs - fromMs) / 60_000) === i))),
  );
  return {
    name: u.name,
    cpuMeanPct: Math.round(inRun.reduce((a, s) => a + s.cpu, 0) / inRun.length),
    cpuPeakPct: Math.round(Math.max(...inRun.map((s) => s.cpu))),
    rssPeakMb: mb(peak(inRun)),
    rssEarlyMb: mb(early),
    rssLateMb: mb(late),
    rssGrowthPct: early && late ? Math.round(((late - early) / early) * 1000) / 10 : 0,
    rssPeakByMinuteMb: byMinute,
  };
}
