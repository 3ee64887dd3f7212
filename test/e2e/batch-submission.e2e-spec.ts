import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { apiClient, expectStatus } from '../support/api-client';
import { buildScenario, type ClaimBody } from '../support/scenario';
import { eventually, startStack, type Stack } from '../support/stack';

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
    const provider = apiClient(stack.baseUrl, s.providers[0].key);
    const claim = (i: number, over: Partial<ClaimBody> = {}): ClaimBody => ({
      externalRef: `${tag}-${i}`,
      payerId: s.payer.id,
      memberNumber: s.members.active,
      serviceDate: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      currency: 'KES',
      diagnoses: ['B54'],
      lines: [{ serviceCode: 'LAB-MRDT', quantity: 1, unitPrice: 30000 }],
      ...over,
    });
    expectStatus(await provider.POST('/v1/claims', { body: claim(0) }), 202);
    const file = Array.from({ length: 300 }, (_, i) => claim(i));
    file[10] = claim(10, { memberNumber: 'NOBODY-9' });
    file[20] = claim(20, { lines: [{ serviceCode: 'ZZZ-999', quantity: 1, unitPrice: 1 }] });
    file[0] = claim(0, { serviceDate: '2026-06-06' }); // same reference as an earlier claim, different body
    const r = await provider.POST('/v1/claims/batch', { body: { claims: file } });
    const { results } = expectStatus(r, 207);
    expect(results).toHaveLength(300);
    expect(results.flatMap((x) => (x.ok ? [] : [x.error.code]))).toEqual([
      'external_ref_conflict',
      'unknown_member',
      'unknown_service_code',
    ]);
    const ids = results.flatMap((x) => (x.ok ? [x.id] : []));
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

    // A quantity sent as a string: the typed body is widened to send what no typed caller could.
    const badLines = [
      { serviceCode: 'LAB-MRDT', quantity: '1', unitPrice: 1 },
    ] as unknown as ClaimBody['lines'];
    const malformed = await provider.POST('/v1/claims/batch', {
      body: { claims: [claim(400, { lines: badLines })] },
    });
    expect(malformed.response.status).toBe(400);
    expect(malformed.error?.errors?.[0].field).toBe('claims.0.lines.0.quantity');
  });
});
