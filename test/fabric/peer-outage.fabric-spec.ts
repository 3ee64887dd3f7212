import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRig, type Rig } from '../faults/support/fault-rig';
import { acceptedIds, expectNothingLost } from '../faults/support/invariants';

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
    const pending: number[] = [];
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 3_000));
      const pid = Number(readFileSync(join(NETWORK, 'pids', 'peer-payer.pid'), 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      for (let s = 0; s < 20; s++) {
        await new Promise((r) => setTimeout(r, 1_000));
        const [{ n }] = await rig.db.query(
          `SELECT count(*)::int AS n FROM ledger_outbox WHERE committed_at IS NULL`,
        );
        pending.push(n);
      }
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
    expect(pending.at(-1)!).toBeGreaterThan(pending[0]);
    const [{ retried }] = await rig.db.query(
      `SELECT count(*)::int AS retried FROM ledger_outbox WHERE attempts > 1`,
    );
    expect(retried).toBeGreaterThan(0);
    await expectNothingLost(rig, 'payer peer killed 20 s (Fabric)', acceptedIds(subs));
  });
});
