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
export const pidsNamed =
  (name: string): PidSource =>
  () => {
    try {
      return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };

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
  /** Resident memory at the first and the last mark, and the growth between them in %. */
  rssEarlyMb: number;
  rssLateMb: number;
  rssGrowthPct: number;
}

/**
 * Summarises readings taken during [fromMs, toMs). Growth compares the reading nearest
 * `earlyMs` (minute 1 of a long run) with the last one (minute 5, or the end of a shorter run).
 */
export function summariseUsage(u: ProcessUsage, fromMs: number, toMs: number, earlyMs: number): UsageSummary {
  const inRun = u.samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  if (inRun.length === 0) {
    return {
      name: u.name,
      cpuMeanPct: 0,
      cpuPeakPct: 0,
      rssPeakMb: 0,
      rssEarlyMb: 0,
      rssLateMb: 0,
      rssGrowthPct: 0,
    };
  }
  const early = inRun.reduce((best, s) =>
    Math.abs(s.atMs - earlyMs) < Math.abs(best.atMs - earlyMs) ? s : best,
  );
  const late = inRun[inRun.length - 1];
  return {
    name: u.name,
    cpuMeanPct: Math.round(inRun.reduce((a, s) => a + s.cpu, 0) / inRun.length),
    cpuPeakPct: Math.round(Math.max(...inRun.map((s) => s.cpu))),
    rssPeakMb: mb(Math.max(...inRun.map((s) => s.rss))),
    rssEarlyMb: mb(early.rss),
    rssLateMb: mb(late.rss),
    rssGrowthPct: Math.round(((late.rss - early.rss) / early.rss) * 1000) / 10,
  };
}
