import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EmbeddedLedger } from '@claimtrail/ledger';
import { buildScenario } from '../support/scenario';
import { client, eventually, startStack, type Stack } from '../support/stack';

/** The same claim sent 10,000 times at once yields one claim and one ledger record. */
describe('a duplicate storm', () => {
  let stack: Stack;
  let db: DataSource;

  beforeAll(async () => {
    stack = await startStack({ RATE_LIMIT_PER_MINUTE: '1000000' });
    db = stack.api.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers every copy with the same claim and records it once', async () => {
    const tag = `storm${Date.now().toString(36)}`;
    const s = await buildScenario(stack.baseUrl, tag);
    const provider = client(stack.baseUrl, s.providers[0].key);
    const body = {
      externalRef: `${tag}-1`,
      payerId: s.payer.id,
      memberNumber: s.members.active,
      serviceDate: '2026-05-05',
      currency: 'KES',
      diagnoses: ['B54'],
      lines: [{ serviceCode: 'LAB-MRDT', quantity: 1, unitPrice: 30000 }],
    };
    const ids = new Set<string>();
    const statuses = new Map<number, number>();
    let next = 0;
    // 200 copies in flight at any moment until 10,000 have been answered.
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        while (next < 10_000) {
          next += 1;
          const r = await provider('POST', '/v1/claims', body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.body?.id) ids.add(r.body.id);
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 202: 10_000 });
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM claims WHERE provider_id = $1 AND external_ref = $2`,
      [s.providers[0].id, body.externalRef],
    );
    expect(n).toBe(1);
    await eventually(async () =>
      (await provider('GET', `/v1/claims/${id}`)).body.ledger ? true : undefined,
    );
    expect(await new EmbeddedLedger(db).getClaimHistory(id)).toHaveLength(1);
    const [{ m }] = await db.query(`SELECT count(*)::int AS m FROM ledger_outbox WHERE claim_id = $1`, [id]);
    expect(m).toBe(1);
  });
});
