import { client } from '../support/stack';
import { startRig, type Rig } from './support/fault-rig';
import { acceptedIds, expectAllAccepted, expectNothingLost } from './support/invariants';
import { postgresUp, startPostgres, stopPostgres } from './support/services';

/**
 * PostgreSQL stopped and started under load: while it is down the API answers 503 with
 * Retry-After (never 500), and both apps recover without a restart.
 */
describe('fault: PostgreSQL restarted', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig('postgres-restart');
  });

  afterAll(async () => {
    startPostgres();
    await rig?.close();
  });

  it('answers 503 while the database is down and recovers on its own', async () => {
    const whileDown: { status: number; retryAfter: string | null; type: string | null }[] = [];
    const [subs] = await rig.loadDuring(
      async () => {
        await new Promise((r) => setTimeout(r, 3_000));
        stopPostgres();
        expect(postgresUp()).toBe(false);
        const provider = client(rig.baseUrl, rig.workload.clinics[0].key);
        for (let i = 0; i < 5; i++) {
          const r = await provider('GET', '/v1/claims?limit=1');
          whileDown.push({
            status: r.status,
            retryAfter: r.headers.get('retry-after'),
            type: r.headers.get('content-type'),
          });
          await new Promise((res) => setTimeout(res, 500));
        }
        startPostgres();
        await new Promise((r) => setTimeout(r, 4_000));
      },
      { retryForMs: 60_000 },
    );

    expect(whileDown.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    for (const r of whileDown) {
      expect(r.retryAfter).toMatch(/^\d+$/);
      expect(r.type).toContain('application/problem+json');
    }
    // Neither app was restarted: both reconnected on their own.
    expect([rig.api.starts, rig.worker.starts]).toEqual([1, 1]);
    expect(rig.api.running && rig.worker.running).toBe(true);
    // Submissions that met the outage were refused with 503 and retried until accepted.
    expectAllAccepted(subs);
    expect(subs.filter((s) => s.attempts > 1).length).toBeGreaterThan(0);

    await rig.db.destroy();
    await rig.db.initialize();
    const ids = acceptedIds(subs);
    await expectNothingLost(rig, 'PostgreSQL restart', ids);
  });
});
