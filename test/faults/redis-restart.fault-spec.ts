import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectAllAccepted, expectNothingLost } from './support/invariants';
import { killRedis, redisUp, startRedis } from './support/services';

/**
 * Redis killed and restarted under load. It keeps nothing on disk, so every queued job is lost;
 * the sweeper re-enqueues the accepted claims from PostgreSQL and none is lost.
 */
describe('fault: Redis killed and restarted', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('redis-restart');
  });

  afterAll(async () => {
    startRedis();
    await rig?.close();
  });

  it('re-enqueues every accepted claim from PostgreSQL', async () => {
    let backlog = 0;
    let killedAt = Infinity;
    let restartedAt = 0;
    const [subs] = await rig.loadDuring(
      async () => {
        // The worker pauses so that a backlog builds up in Redis, then Redis dies with it.
        await new Promise((r) => setTimeout(r, 2_000));
        await rig.worker.stop('SIGKILL');
        await new Promise((r) => setTimeout(r, 3_000));
        [{ backlog }] = await rig.db.query(
          `SELECT count(*)::int AS backlog FROM claims WHERE status IN ('received', 'adjudicating')`,
        );
        killRedis();
        killedAt = Date.now();
        expect(redisUp()).toBe(false);
        // Long enough for submissions to give up waiting on Redis and answer anyway.
        await new Promise((r) => setTimeout(r, 6_000));
        startRedis();
        restartedAt = Date.now();
        await rig.worker.start();
        await new Promise((r) => setTimeout(r, 2_000));
      },
      { retryForMs: 60_000 },
    );
    expect(rig.api.running && rig.worker.running).toBe(true);
    // Claims whose jobs died with Redis; only the sweeper can bring them back.
    expect(backlog).toBeGreaterThan(50);
    // Clinics were still answered 202 while Redis was down.
    const duringOutage = subs.filter((s) => s.acceptedAt! > killedAt + 2_500 && s.acceptedAt! < restartedAt);
    expect(duringOutage.length).toBeGreaterThan(0);

    expectAllAccepted(subs);
    await expectNothingLost(rig, 'Redis kill -9 + restart', acceptedIds(subs));
  });
});
