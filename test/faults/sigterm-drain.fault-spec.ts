import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectAllAccepted, expectNothingLost, undecided } from './support/invariants';
import type { Exit } from '../../apps/cli/src/app-process';
import { Queue } from 'bullmq';
import { QueueName } from '@claimtrail/claims/queue/queue-contracts';

/**
 * SIGTERM to both apps under load: each finishes what it holds and exits 0; no claim is left
 * half-adjudicated and no job active; after a restart everything accepted is decided once.
 */
describe('fault: SIGTERM during load', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('sigterm-drain');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('drains gracefully and leaves no job half-done', async () => {
    const queue = new Queue(QueueName.Adjudication, {
      prefix: rig.env.QUEUE_PREFIX,
      connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    });
    const [subs, state] = await rig.loadDuring(
      async () => {
        await new Promise((r) => setTimeout(r, 3_000));
        // The worker holds work when the signal comes: claims undecided, jobs waiting or active.
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        const atSignal = {
          undecided: await undecided(rig.db),
          jobs: Object.values(counts).reduce((a, b) => a + b, 0),
        };
        const workerExit = await rig.worker.stop('SIGTERM');
        const [{ n: halfDone }]: { n: number }[] = await rig.db.query(
          `SELECT count(*)::int AS n FROM claims WHERE status = 'adjudicating'`,
        );
        const active = await queue.getActiveCount();
        const apiExit = await rig.api.stop('SIGTERM');
        await rig.api.start();
        await rig.worker.start();
        await new Promise((r) => setTimeout(r, 2_000));
        return { atSignal, workerExit, apiExit, halfDone, active };
      },
      { retryForMs: 60_000 },
    );
    await queue.close();

    expect(state.atSignal.undecided).toBeGreaterThan(0);
    expect(state.atSignal.jobs).toBeGreaterThan(0);
    // Nest re-raises the signal once it has closed cleanly; a forced exit after
    // SHUTDOWN_TIMEOUT_MS would be code 1 instead.
    const drained: Exit = { code: null, signal: 'SIGTERM' };
    const { atSignal: _, ...after } = state;
    expect(after).toEqual({
      workerExit: drained,
      apiExit: drained,
      halfDone: 0,
      active: 0,
    });
    expect(subs.length).toBeGreaterThan(500);
    expectAllAccepted(subs);
    await expectNothingLost(rig, 'SIGTERM drain', acceptedIds(subs));
  });
});
