import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectAllAccepted, expectNothingLost, undecided } from './support/invariants';

/** kill -9 of the worker ten times under load: every accepted claim is decided and recorded once. */
describe('fault: worker killed with SIGKILL ten times', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('worker-kill');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('loses nothing and records nothing twice', async () => {
    // Let the load get going, then kill and restart the worker every 1.5 s, ten times, noting how
    // many accepted claims were still undecided at each kill.
    const [subs, undecidedAtKill] = await rig.loadDuring(async () => {
      const atKill: number[] = [];
      await new Promise((r) => setTimeout(r, 1_500));
      for (let kill = 0; kill < 10; kill++) {
        atKill.push(await undecided(rig.db));
        await rig.worker.stop('SIGKILL');
        await rig.worker.start();
        await new Promise((r) => setTimeout(r, 1_500));
      }
      return atKill;
    });
    expect(rig.worker.starts).toBe(11);
    // Every kill met work in flight, and the load was a real one.
    expect(undecidedAtKill.filter((n) => n === 0)).toEqual([]);
    expect(subs.length).toBeGreaterThan(1_000);
    expectAllAccepted(subs);
    await expectNothingLost(rig, 'worker kill -9 ×10', acceptedIds(subs));
  });
});
