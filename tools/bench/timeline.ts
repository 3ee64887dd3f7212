/** Claims per second sent, decided and recorded within one stretch of a phase. */
export interface TimelineRow {
  /** Seconds from the phase's first send at which the stretch starts. */
  fromS: number;
  seconds: number;
  sentPerSecond: number;
  decidedPerSecond: number;
  recordedPerSecond: number;
}

/** When one claim was sent, decided and recorded (ms since the epoch; absent while it was not). */
export interface ClaimTimes {
  sent: number;
  decided?: number;
  recorded?: number;
}

/**
 * Each stage's rate in consecutive stretches of `stepS` seconds from `start`, up to the last
 * claim recorded (the last stretch is however long is left): a sustained rate shows as the same
 * figure in every row; a pipeline falling behind as decided and recorded sinking below sent.
 */
export function timeline(start: number, claims: ClaimTimes[], stepS = 60): TimelineRow[] {
  const stepMs = stepS * 1000;
  const end = claims.reduce((last, c) => Math.max(last, c.sent, c.decided ?? 0, c.recorded ?? 0), start);
  const buckets = Math.max(1, Math.ceil((end + 1 - start) / stepMs));
  const counts = Array.from({ length: buckets }, () => ({ sent: 0, decided: 0, recorded: 0 }));
  const at = (t: number) => Math.min(buckets - 1, Math.max(0, Math.floor((t - start) / stepMs)));
  for (const c of claims) {
    counts[at(c.sent)].sent += 1;
    if (c.decided !== undefined) counts[at(c.decided)].decided += 1;
    if (c.recorded !== undefined) counts[at(c.recorded)].recorded += 1;
  }
  const perSecond = (n: number, seconds: number) => Math.round((n / seconds) * 10) / 10;
  return counts.map((c, i) => {
    const seconds = i < buckets - 1 ? stepS : Math.max(0.001, (end + 1 - start - i * stepMs) / 1000);
    return {
      fromS: i * stepS,
      seconds: Math.round(seconds * 10) / 10,
      sentPerSecond: perSecond(c.sent, seconds),
      decidedPerSecond: perSecond(c.decided, seconds),
      recordedPerSecond: perSecond(c.recorded, seconds),
    };
  });
}
