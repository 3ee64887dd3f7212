import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectNothingLost } from './support/invariants';
import type { Exit } from '../../apps/cli/src/bench/app-process';
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
    let done = false;
    const state: { workerExit?: Exit; apiExit?: Exit; halfDone?: number; active?: number } = {};
    const fault = (async () => {
      await new Promise((r) => setTimeout(r, 3_000));
      state.workerExit = await rig.worker.stop('SIGTERM');
      [{ n: state.halfDone }] = await rig.db.query(
        `SELECT count(*)::int AS n FROM claims WHERE status = 'adjudicating'`,
      );
      const queue = new Queue(QueueName.Adjudication, {
        prefix: rig.env.QUEUE_PREFIX,
        connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      });
      state.active = await queue.getActiveCount();
      await queue.close();
      state.apiExit = await rig.api.stop('SIGTERM');
      await rig.api.start();
      await rig.worker.start();
      await new Promise((r) => setTimeout(r, 2_000));
      done = true;
    })();
    const subs = await rig.load({ claims: 50_000, stop: () => done, retryForMs: 60_000 });
    await fault;

    // Nest re-raises the signal once it has closed cleanly; a forced exit after
    // SHUTDOWN_TIMEOUT_MS would be code 1 instead.
    const drained: Exit = { code: null, signal: 'SIGTERM' };
    expect(state).toEqual({ workerExit: drained, apiExit: drained, halfDone: 0, active: 0 });
    const ids = acceptedIds(subs);
    expect(ids).toHaveLength(subs.length);
    await expectNothingLost(rig, 'SIGTERM drain', ids);
  });
});
