import { runLoad } from '../../tools/bench/load';
import { workloadRuleSet } from '../../tools/bench/workload';
import { client } from '../support/stack';
import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectAllAccepted, expectNothingLost } from './support/invariants';

/**
 * Poison claims (their plan's stored rule set is broken, so every attempt throws) sent among
 * ordinary load: each ends in `error` with its reason after the retry budget, and the queue keeps
 * moving for everyone else.
 */
describe('fault: poison claims under load', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('poison-claim', { env: { ADJUDICATION_ATTEMPTS: '3' } });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('parks each poison claim in error and decides all the others', async () => {
    const w = rig.workload;
    const asPayer = client(rig.baseUrl, w.payer.key);
    const broken = await asPayer('POST', '/v1/plans', {
      name: 'Broken behind the platform',
      ruleSet: workloadRuleSet([w.clinics[0].id], w.today),
    });
    expect(broken.status).toBe(201);
    await rig.db.query(`UPDATE plan_versions SET rule_set = '{"currency": "KES"}' WHERE plan_id = $1`, [
      broken.body.id,
    ]);
    const poisoned = Array.from({ length: 20 }, (_, i) => `${w.tag}-poison-${i}`);
    const enrol = await asPayer('POST', '/v1/members', {
      members: poisoned.map((memberNumber) => ({
        memberNumber,
        planId: broken.body.id,
        fullName: 'Baraka Mutua',
        birthDate: '1980-01-01',
        sex: 'M',
        coverageStart: '2020-01-01',
        coverageEnd: '2040-12-31',
      })),
    });
    expect(enrol.status).toBe(201);

    const healthy = rig.load({ claims: 1_500, shape: { kind: 'closed', concurrency: 8 } });
    const poison = runLoad({
      baseUrl: rig.baseUrl,
      clinicKeys: [w.clinics[0].key],
      claims: poisoned.length,
      shape: { kind: 'open', rate: 10 },
      claimAt: (i) => ({
        clinic: 0,
        body: {
          externalRef: `${w.tag}-poison-claim-${i}`,
          payerId: w.payer.id,
          memberNumber: poisoned[i],
          serviceDate: w.today,
          careType: 'outpatient',
          currency: 'KES',
          diagnoses: ['B54'],
          lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
        },
      }),
    });
    const [subs, bad] = await Promise.all([healthy, poison]);
    expectAllAccepted(subs);
    expectAllAccepted(bad);
    const poisonIds = acceptedIds(bad);
    expect(poisonIds).toHaveLength(20);

    const ids = [...acceptedIds(subs), ...poisonIds];
    await expectNothingLost(rig, 'poison claims ×20 (of the accepted)', ids, {
      expectError: new Set(poisonIds),
    });
    const errors: { last_error: string }[] = await rig.db.query(
      `SELECT last_error FROM claims WHERE id = ANY($1) AND status = 'error'`,
      [poisonIds],
    );
    expect(errors).toHaveLength(20);
    for (const e of errors) expect(e.last_error).toEqual(expect.any(String));
  });
});
