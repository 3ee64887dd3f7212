import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRig, type Rig } from '../faults/support/fault-rig';
import {
  acceptedIds,
  expectAllAccepted,
  expectNothingLost,
  expectOutboxHeldAndRetried,
  pendingEverySecond,
} from '../faults/support/invariants';

const ROOT = join(__dirname, '..', '..');

/** Whether the process is alive: present and not a zombie (Linux's /proc). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
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
    const [subs, pending] = await rig.loadDuring(
      async () => {
        await new Promise((r) => setTimeout(r, 3_000));
        const pid = Number(readFileSync(join(NETWORK, 'pids', 'peer-payer.pid'), 'utf8').trim());
        process.kill(pid, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 500));
        // The peer is gone: no process, or one that has died and waits to be reaped.
        expect(running(pid)).toBe(false);
        const held = await pendingEverySecond(rig.db, 20);
        execFileSync('bash', [join(ROOT, 'fabric', 'peer.sh'), 'start', 'payer'], { stdio: 'inherit' });
        await new Promise((r) => setTimeout(r, 3_000));
        return held;
      },
      // A steady load: the audit proves every accepted claim through the peers afterwards.
      { shape: { kind: 'open', rate: 60 } },
    );

    // The outbox grew while nothing could be endorsed, and the relay tried again.
    await expectOutboxHeldAndRetried(rig.db, pending);
    // Clinics were answered 202 throughout: endorsement is behind the outbox.
    expectAllAccepted(subs);
    await expectNothingLost(rig, 'payer peer killed 20 s (Fabric)', acceptedIds(subs));
    // Proving every claim through the peers takes minutes: more than the tier's five.
  }, 600_000);
});
