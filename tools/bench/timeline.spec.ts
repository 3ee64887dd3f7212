import { timeline } from './timeline';

describe('timeline', () => {
  const start = 1_000_000;

  it('gives each stretch its rate per stage, and the last one only the time left', () => {
    // 120 claims sent over the first minute, decided a second later, recorded two seconds later.
    const claims = Array.from({ length: 120 }, (_, i) => {
      const sent = start + i * 500;
      return { sent, decided: sent + 1_000, recorded: sent + 2_000 };
    });
    expect(timeline(start, claims)).toEqual([
      { fromS: 0, seconds: 60, sentPerSecond: 2, decidedPerSecond: 2, recordedPerSecond: 1.9 },
      // The last claim, sent at 59.5 s, is recorded at 61.5 s.
      { fromS: 60, seconds: 1.5, sentPerSecond: 0, decidedPerSecond: 1.3, recordedPerSecond: 2.7 },
    ]);
  });

  it('shows a pipeline falling behind as decided sinking below sent', () => {
    // Sent at 10/s for 20 s; decisions at 5/s from the start.
    const claims = Array.from({ length: 200 }, (_, i) => ({
      sent: start + i * 100,
      decided: start + i * 200,
    }));
    const rows = timeline(start, claims, 10);
    expect(rows.map((r) => [r.sentPerSecond, r.decidedPerSecond])).toEqual([
      [10, 5],
      [10, 5],
      [0, 5],
      [0, 5.1],
    ]);
  });

  it('has one row for a phase with no claims', () => {
    expect(timeline(start, [])).toEqual([
      { fromS: 0, seconds: 0, sentPerSecond: 0, decidedPerSecond: 0, recordedPerSecond: 0 },
    ]);
  });
});
