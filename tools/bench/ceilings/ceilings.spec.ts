import { tmpdir } from 'node:os';
import { adjudicate } from '@claimtrail/claims/domain/adjudicate';
import { buildAdjudicationInputs } from './adjudication-inputs';
import { ceilingResult, cleanUp, formatCeiling, ratePerSecond, seededRandom, uniqueRunName } from './ceiling';
import { fastifyChildEntry } from './fastify-trivial-post';
import { claimRowPayload } from './postgres-single-row-tx';

describe('ceiling helpers', () => {
  it('derives the rate from the counted operations and the window', () => {
    expect(ratePerSecond(5000, 2000)).toBe(2500);
    expect(ratePerSecond(10, 0)).toBe(0);
    expect(ceilingResult('x', 'd', 300, 1500)).toEqual({
      name: 'x',
      description: 'd',
      perSecond: 200,
      samples: 300,
      durationMs: 1500,
    });
    expect(formatCeiling(ceilingResult('x', 'd', 12345, 1000))).toBe(
      'ceiling x: 12,345/s (12345 in 1000 ms)',
    );
  });

  it('makes run names that are SQL identifiers and BullMQ queue names, and differ between runs', () => {
    expect(uniqueRunName('ceiling_pg', 0, 'ab12')).toBe('ceiling_pg_0_ab12');
    const name = uniqueRunName('ceiling_pg');
    expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(uniqueRunName('ceiling_pg')).not.toBe(name);
    expect(() => uniqueRunName('bad:stem')).toThrow(/invalid name stem/);
  });

  it('draws the same numbers in [0, 1) for the same seed', () => {
    const a = Array.from({ length: 1000 }, seededRandom(7));
    expect(Array.from({ length: 1000 }, seededRandom(7))).toEqual(a);
    expect(Array.from({ length: 1000 }, seededRandom(8))).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('logs a failed clean-up step instead of throwing', async () => {
    const lines: string[] = [];
    await cleanUp(
      'drop it',
      () => Promise.reject(new Error('boom')),
      (l) => lines.push(l),
    );
    expect(lines).toEqual(['ceiling clean-up: could not drop it: boom']);
  });
});

describe('ceiling inputs', () => {
  it('builds distinct, deterministic adjudication inputs that reach every outcome', () => {
    const inputs = buildAdjudicationInputs(1000);
    expect(inputs).toHaveLength(1000);
    expect(JSON.stringify(buildAdjudicationInputs(1000))).toBe(JSON.stringify(inputs));
    expect(new Set(inputs.map((i) => JSON.stringify(i.claim))).size).toBe(1000);
    const statuses = new Set(inputs.map((i) => adjudicate(i.claim, i.context).status));
    expect([...statuses].sort()).toEqual(['approved', 'partially_approved', 'pended', 'rejected']);
  });

  it('writes a claim-sized jsonb body of about 600 bytes', () => {
    const body = claimRowPayload();
    expect(JSON.parse(body)).toMatchObject({ careType: 'outpatient' });
    expect(body.length).toBeGreaterThan(500);
    expect(body.length).toBeLessThan(700);
  });

  it('says to build first when the compiled child entry is absent', () => {
    expect(() => fastifyChildEntry(tmpdir())).toThrow(/fastify-child\.js not found: run from the build/);
  });
});
