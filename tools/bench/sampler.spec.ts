import { summariseUsage, type Sample } from './sampler';

const MB = 1024 * 1024;

/** One reading a second for `seconds`, resident memory in MB given by `rssAt(second)`. */
function readings(seconds: number, rssAt: (s: number) => number): Sample[] {
  return Array.from({ length: seconds }, (_, s) => ({ atMs: s * 1_000, cpu: 50, rss: rssAt(s) * MB }));
}

describe('summariseUsage', () => {
  it('reports no growth for a sawtooth whose teeth stay level, wherever the minutes cut it', () => {
    // Grows 2 MB a second from 150 MB, collected back every 37 s: 150–222 MB for five minutes.
    const sawtooth = readings(300, (s) => 150 + 2 * (s % 37));
    const summary = summariseUsage({ name: 'worker', samples: sawtooth }, 0, 300_000);
    expect(summary.rssEarlyMb).toBe(222);
    expect(summary.rssLateMb).toBe(222);
    expect(summary.rssGrowthPct).toBe(0);
    expect(summary.rssPeakMb).toBe(222);
    expect(summary.rssPeakByMinuteMb).toEqual([222, 222, 222, 222, 222]);
  });

  it('reports the growth of memory that is kept', () => {
    // The same sawtooth on a floor that rises 0.2 MB a second: 60 MB kept over five minutes.
    const leaking = readings(300, (s) => 150 + 0.2 * s + 2 * (s % 37));
    const summary = summariseUsage({ name: 'api', samples: leaking }, 0, 300_000);
    expect(summary.rssGrowthPct).toBeGreaterThan(20);
    expect(summary.rssPeakByMinuteMb).toEqual([...summary.rssPeakByMinuteMb].sort((a, b) => a - b));
  });

  it('compares fifths of a phase shorter than five minutes, and only readings inside it', () => {
    const samples = readings(100, (s) => (s < 10 ? 100 : s < 50 ? 120 : 110));
    // The phase runs from 10 s to 60 s: fifths of 10 s, 120 MB early, 110 MB late.
    const summary = summariseUsage({ name: 'relay', samples }, 10_000, 60_000);
    expect(summary.rssEarlyMb).toBe(120);
    expect(summary.rssLateMb).toBe(110);
    expect(summary.rssGrowthPct).toBe(-8.3);
    expect(summary.rssPeakByMinuteMb).toEqual([120]);
  });

  it('gives zeros for a process with no reading in the phase', () => {
    const summary = summariseUsage({ name: 'redis', samples: [] }, 0, 60_000);
    expect(summary).toMatchObject({ rssPeakMb: 0, rssGrowthPct: 0, rssPeakByMinuteMb: [] });
  });
});
