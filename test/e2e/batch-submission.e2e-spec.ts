import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { buildScenario } from '../support/scenario';
import { client, eventually, startStack, type Stack } from '../support/stack';

/** A clinic's end-of-day file: each claim accepted or refused on its own. */
describe('batch submission', () => {
  let stack: Stack;
  let db: DataSource;

  beforeAll(async () => {
    stack = await startStack();
    db = stack.api.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 207 with a result per claim, stores the good ones and none of the bad', async () => {
    const tag = `batch${Date.now().toString(36)}`;
    const s = await buildScenario(stack.baseUrl, tag);
    const provider = client(stack.baseUrl, s.providers[0].key);
    const claim = (i: number, over: Record<string, unknown> = {}) => ({
      externalRef: `${tag}-${i}`,
      payerId: s.payer.id,
      memberNumber: s.members.active,
      serviceDate: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      currency: 'KES',
      diagnoses: ['B54'],
      lines: [{ serviceCode: 'LAB-MRDT', quantity: 1, unitPrice: 30000 }],
      ...over,
    });
    const earlier = await provider('POST', '/v1/claims', claim(0));
    expect(earlier.status).toBe(202);
    const file = Array.from({ length: 300 }, (_, i) => claim(i));
    file[10] = claim(10, { memberNumber: 'NOBODY-9' });
    file[20] = claim(20, { lines: [{ serviceCode: 'ZZZ-999', quantity: 1, unitPrice: 1 }] });
    file[0] = claim(0, { serviceDate: '2026-06-06' }); // same reference as an earlier claim, different body
    const r = await provider('POST', '/v1/claims/batch', { claims: file });
    expect(r.status).toBe(207);
    const results = r.body.results as { ok: boolean; id?: string; error?: { code: string } }[];
    expect(results).toHaveLength(300);
    expect(results.filter((x) => !x.ok).map((x) => x.error!.code)).toEqual([
      'external_ref_conflict',
      'unknown_member',
      'unknown_service_code',
    ]);
    const ids = results.filter((x) => x.ok).map((x) => x.id!);
    expect(ids).toHaveLength(297);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM claims WHERE provider_id = $1`, [
      s.providers[0].id,
    ]);
    expect(n).toBe(298);
    await eventually(async () => {
      const [{ decided }] = await db.query(
        `SELECT count(*)::int AS decided FROM claims WHERE id = ANY($1) AND status = 'approved'`,
        [ids],
      );
      return decided === ids.length ? true : undefined;
    }, 60_000);

    const malformed = await provider('POST', '/v1/claims/batch', {
      claims: [claim(400, { lines: [{ serviceCode: 'LAB-MRDT', quantity: '1', unitPrice: 1 }] })],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('claims.0.lines.0.quantity');
  });
});
