import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import {
  type AccessLogEntry,
  chainRows,
  firstBreak,
  GENESIS_HASH,
} from '@claimtrail/claims/domain/access-log-chain';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { TypeOrmAccessLogRepository } from '@claimtrail/claims/infra/repositories/typeorm-access-log.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

/** The access log repository on PostgreSQL (this file's own database: the log starts empty). */
describe('TypeOrmAccessLogRepository', () => {
  let db: DataSource;
  let repo: TypeOrmAccessLogRepository;
  let transactions: TypeOrmTransactions;
  const orgId = randomUUID();

  const entry = (over: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
    at: '2026-03-01T10:00:00.123Z',
    action: 'read_claim',
    organizationId: null,
    apiKeyId: null,
    userId: null,
    method: 'GET',
    route: '/v1/claims/:id',
    status: 200,
    subjectIds: [randomUUID()],
    subjectCount: null,
    cursor: null,
    clientAddress: '10.0.0.1',
    keyPrefix: null,
    requestId: randomUUID(),
    detail: null,
    ...over,
  });

  // What AccessLogWriter does: under the chain's lock, chain after the head and insert.
  const append = (entries: AccessLogEntry[]) =>
    transactions.run(async (tx) => {
      await repo.lockChain(tx);
      const head = await repo.head(tx);
      const rows = chainRows(entries, head ? head.seq + 1 : 1, head?.hash ?? null);
      await repo.insertChained(tx, rows);
      return rows;
    });

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 4 });
    repo = new TypeOrmAccessLogRepository(db);
    transactions = new TypeOrmTransactions(db);
    await db.query(
      `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
       VALUES ($1, 'payer', 'Logged payer', $2, 'pk', 'sk')`,
      [orgId, orgId],
    );
  });

  afterAll(() => db?.destroy());

  it('starts empty, then stores chained rows as they were chained and reads them back', async () => {
    expect(await repo.head()).toBeNull();
    const written = await append([
      entry(),
      entry({
        action: 'list_claims',
        organizationId: orgId,
        subjectIds: ['a', 'b'],
        subjectCount: 2,
        cursor: 'next',
        detail: { organizationId: orgId },
      }),
      entry({
        action: 'refused',
        status: 401,
        subjectIds: [],
        keyPrefix: 'abcdefabcdef',
        clientAddress: null,
      }),
    ]);
    expect(await repo.head()).toEqual({ seq: 3, hash: written[2].hash });
    const read = await repo.rowsAfter(0, 10);
    expect(read).toEqual(written);
    expect(firstBreak(read, { seq: 0, hash: GENESIS_HASH })).toBeNull();
    expect(await repo.rowsAfter(1, 1)).toEqual([written[1]]);
    const more = await append([entry()]);
    expect(more[0]).toMatchObject({ seq: 4, prevHash: written[2].hash });
    expect(await repo.hashesAt([1, 4, 99])).toEqual(
      new Map([
        [1, written[0].hash],
        [4, more[0].hash],
      ]),
    );
  });

  it('searches newest first by subject, organization and sequence', async () => {
    const subject = randomUUID();
    const rows = await append([
      entry({ subjectIds: [subject] }),
      entry({
        action: 'list_claims',
        subjectIds: [randomUUID(), subject],
        subjectCount: 2,
        organizationId: orgId,
      }),
      entry({ organizationId: orgId }),
    ]);
    const seqs = (found: { seq: number }[]) => found.map((r) => r.seq);
    expect(seqs(await repo.search({ subjectId: subject, limit: 10 }))).toEqual([rows[1].seq, rows[0].seq]);
    expect(seqs(await repo.search({ organizationId: orgId, limit: 10 }))).toEqual(
      expect.arrayContaining([rows[2].seq, rows[1].seq]),
    );
    expect(seqs(await repo.search({ organizationId: orgId, subjectId: subject, limit: 10 }))).toEqual([
      rows[1].seq,
    ]);
    expect(seqs(await repo.search({ before: rows[2].seq, limit: 1 }))).toEqual([rows[1].seq]);
    expect(await repo.search({ subjectId: subject, limit: 10 })).toEqual([rows[1], rows[0]]);
  });

  it('writes nothing of a transaction that fails', async () => {
    const head = await repo.head();
    await expect(
      transactions.run(async (tx) => {
        const rows = chainRows([entry()], head!.seq + 1, head!.hash);
        await repo.insertChained(tx, rows);
        await repo.insertChained(tx, rows); // the same seq twice: refused by PostgreSQL
      }),
    ).rejects.toThrow();
    expect(await repo.head()).toEqual(head);
  });

  it("serialises writers on the chain's lock, so each chains after the other's rows", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = transactions.run(async (tx) => {
      await repo.lockChain(tx);
      order.push('first locked');
      const head = await repo.head(tx);
      await repo.insertChained(tx, chainRows([entry()], head!.seq + 1, head!.hash));
      await held;
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 200));
    const second = append([entry()]).then(() => order.push('second written'));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first ends', 'second written']);
    expect(firstBreak(await repo.rowsAfter(0, 1000), { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });
});
