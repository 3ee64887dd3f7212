import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectNothingLost } from './support/invariants';

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
    let kills = 0;
    const killer = (async () => {
      // Let the load get going, then kill and restart the worker every 1.5 s, ten times.
      await new Promise((r) => setTimeout(r, 1_500));
      while (kills < 10) {
        await rig.worker.stop('SIGKILL');
        kills += 1;
        await rig.worker.start();
        await new Promise((r) => setTimeout(r, 1_500));
      }
    })();
    // Claims keep coming until the tenth kill.
    const subs = await rig.load({ claims: 50_000, stop: () => kills >= 10 });
    await killer;
    expect(kills).toBe(10);
    expect(rig.worker.starts).toBe(11);

    const ids = acceptedIds(subs);
    expect(ids).toHaveLength(subs.length);
    await expectNothingLost(rig, 'worker kill -9 ×10', ids);
  });
});
