import { build } from 'hdr-histogram-js';

/** Latency percentiles of one stage, in milliseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Percentiles of a list of durations in ms (recorded at 1 ms resolution, up to an hour). */
export function percentiles(values: number[]): Percentiles {
  const h = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
  try {
    for (const v of values) h.recordValue(Math.min(3_600_000, Math.max(1, Math.round(v))));
    return {
      count: values.length,
      p50: h.getValueAtPercentile(50),
      p95: h.getValueAtPercentile(95),
      p99: h.getValueAtPercentile(99),
      max: values.length ? h.maxValue : 0,
    };
  } finally {
    h.destroy();
  }
}
