import { chainRows, entryHash, firstBreak, GENESIS_HASH, type AccessLogEntry } from './access-log-chain';

const entry = (n: number): AccessLogEntry => ({
  at: `2026-03-01T10:00:0${n}.000Z`,
  action: 'read_claim',
  organizationId: '0191c9a8-0000-7000-8000-000000000001',
  apiKeyId: '0191c9a8-0000-7000-8000-000000000002',
  userId: null,
  method: 'GET',
  route: '/v1/claims/:id',
  status: 200,
  subjectIds: [`claim-${n}`],
  subjectCount: null,
  cursor: null,
  clientAddress: '10.0.0.1',
  keyPrefix: null,
  requestId: `req-${n}`,
  detail: null,
});

describe('access-log chain', () => {
  const rows = chainRows([entry(1), entry(2), entry(3)], 1, null);

  it('links each row to the one before, from the genesis hash', () => {
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0].prevHash).toBe(GENESIS_HASH);
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(rows[2].hash).toBe(entryHash(3, rows[1].hash, entry(3)));
    expect(firstBreak(rows, { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });

  it('names the first edited, unlinked or missing row', () => {
    const edited = rows.map((r) => (r.seq === 2 ? { ...r, clientAddress: '10.0.0.9' } : r));
    expect(firstBreak(edited, { seq: 0, hash: GENESIS_HASH })).toMatchObject({ seq: 2, reason: /hash/ });
    const relinked = chainRows([entry(1), { ...entry(2), status: 404 }, entry(3)], 1, null);
    expect(firstBreak([rows[0], rows[1], relinked[2]], { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      seq: 3,
      reason: /link/,
    });
    expect(firstBreak([rows[0], rows[2]], { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      seq: 2,
      reason: /missing/,
    });
  });

  it('does not depend on the order of keys or on fields outside the entry', () => {
    const reordered = Object.fromEntries(Object.entries(entry(1)).reverse()) as AccessLogEntry;
    expect(entryHash(1, GENESIS_HASH, { ...reordered, extra: 'x' } as AccessLogEntry)).toBe(rows[0].hash);
  });
});
