import { runLoad } from '../../tools/bench/load';
import { workloadClaim } from '../../tools/bench/workload';
import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectAllAccepted, expectNothingLost } from './support/invariants';

/**
 * kill -9 of the API while clinics submit: every 202 is in PostgreSQL, and a clinic that retries
 * (same external reference, same body) gets the same claim, never a second one.
 */
describe('fault: API killed with SIGKILL during submissions', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('api-kill');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('keeps every accepted claim and answers retries with the same claim', async () => {
    // Retrying clients: a refused connection or a reset is sent again with the same body.
    const [subs] = await rig.loadDuring(
      async () => {
        for (let kill = 0; kill < 3; kill++) {
          await new Promise((r) => setTimeout(r, 3_000));
          await rig.api.stop('SIGKILL');
          await rig.api.start();
        }
      },
      { retryForMs: 60_000 },
    );
    expect(rig.api.starts).toBe(4);
    const retried = subs.filter((s) => s.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    expectAllAccepted(subs);

    // One claim per external reference: retries never created a second one.
    const refs = subs.map((s) => s.externalRef);
    const [{ claims, distinct }] = await rig.db.query(
      `SELECT count(*)::int AS claims, count(DISTINCT external_ref)::int AS distinct
         FROM claims WHERE external_ref = ANY($1)`,
      [refs],
    );
    expect({ claims, distinct }).toEqual({ claims: subs.length, distinct: subs.length });

    // Sending again now answers with the claim each client was given.
    const again = await runLoad({
      baseUrl: rig.baseUrl,
      clinicKeys: rig.workload.clinics.map((c) => c.key),
      claims: subs.length,
      shape: { kind: 'closed', concurrency: 16 },
      claimAt: (i) => workloadClaim(rig.workload, i),
    });
    const mismatched = again.filter((a) => a.claimId !== subs[a.index].claimId);
    expect(mismatched).toEqual([]);

    const ids = acceptedIds(subs);
    await expectNothingLost(rig, 'API kill -9 ×3', ids);
  });
});
