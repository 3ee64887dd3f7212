import { runLoad } from '../../tools/bench/load';
import { workloadClaim } from '../../tools/bench/workload';
import { startRig, type Rig } from './support/fault-rig';
import { expectNothingLost } from './support/invariants';

/** The same claim sent 10,000 times, 200 at a time: one claim, one decision, one ledger record. */
describe('fault: duplicate storm', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('duplicate-storm');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('answers every copy with the same claim and records it once', async () => {
    const one = workloadClaim(rig.workload, 0);
    const copies = await runLoad({
      baseUrl: rig.baseUrl,
      clinicKeys: rig.workload.clinics.map((c) => c.key),
      claims: 10_000,
      shape: { kind: 'closed', concurrency: 200 },
      claimAt: () => one,
    });
    const statuses = new Map<number, number>();
    for (const c of copies) statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 202: 10_000 });
    const ids = [...new Set(copies.map((c) => c.claimId))];
    expect(ids).toHaveLength(1);
    const [{ n }] = await rig.db.query(`SELECT count(*)::int AS n FROM claims WHERE external_ref = $1`, [
      one.body.externalRef,
    ]);
    expect(n).toBe(1);

    await expectNothingLost(rig, 'duplicate storm (10,000 copies of 1 claim)', ids as string[]);
  });
});
