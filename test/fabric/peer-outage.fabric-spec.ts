import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRig, type Rig } from '../faults/support/fault-rig';
import {
  acceptedIds,
  expectNothingLost,
  expectOutboxHeldAndRetried,
  pendingEverySecond,
} from '../faults/support/invariants';

const ROOT = join(__dirname, '..', '..');
const NETWORK = join(process.env.FABRIC_HOME ?? join(ROOT, '.fabric'), 'network');

/**
 * The payer's peer, which must endorse every decision, is killed (SIGKILL) for 20 seconds while
 * clinics keep submitting: decisions wait in the outbox, then commit once each when it is back.
 */
describe('fault: the payer peer killed for 20 seconds', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('fabric-peer-kill', { members: 500, clinics: 4 });
  });

  afterAll(async () => {
    // Whatever happened, the network is left whole for the suites after this one.
    execFileSync('bash', [join(ROOT, 'fabric', 'peer.sh'), 'start', 'payer'], { stdio: 'inherit' });
    await rig?.close();
  });

  it('holds decisions in the outbox while the peer is down and records each once after', async () => {
    let done = false;
    let pending: number[] = [];
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 3_000));
      const pid = Number(readFileSync(join(NETWORK, 'pids', 'peer-payer.pid'), 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      pending = await pendingEverySecond(rig.db, 20);
      execFileSync('bash', [join(ROOT, 'fabric', 'peer.sh'), 'start', 'payer'], { stdio: 'inherit' });
      await new Promise((r) => setTimeout(r, 3_000));
      done = true;
    })();
    const subs = await rig.load({
      claims: 20_000,
      stop: () => done,
      shape: { kind: 'closed', concurrency: 4 },
    });
    await outage;

    // The outbox grew while nothing could be endorsed, and the relay tried again.
    await expectOutboxHeldAndRetried(rig.db, pending);
    await expectNothingLost(rig, 'payer peer killed 20 s (Fabric)', acceptedIds(subs));
  });
});
