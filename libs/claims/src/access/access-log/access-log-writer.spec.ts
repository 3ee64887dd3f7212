import { Logger } from '@nestjs/common';
import { type AccessLogEntry, firstBreak, GENESIS_HASH } from '../../domain/access-log-chain';
import { InMemoryAccessLogRepository } from '../../testing/in-memory-access-log.repository';
import { InMemoryTransactions } from '../../testing/in-memory-transactions';
import { AccessLogWriter } from './access-log-writer';
import { accessLogEntry } from '../../testing/access-log-entries';

const entry = (route: string, over: Partial<AccessLogEntry> = {}) => accessLogEntry({ route, ...over });

const dataError = () => Object.assign(new Error('invalid input'), { code: '22P02' });

function setUp(batchSize = 100) {
  const log = new InMemoryAccessLogRepository();
  const transactions = new InMemoryTransactions();
  const writer = new AccessLogWriter(transactions, log, {
    ACCESS_LOG_BATCH_SIZE: batchSize,
    ACCESS_LOG_FLUSH_MS: 60_000,
  });
  return { log, transactions, writer };
}

describe('AccessLogWriter', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('buffers entries and writes them on flush, chained from the genesis hash, under the chain lock', async () => {
    const { writer, log, transactions } = setUp();
    writer.record(entry('/a'));
    writer.record(entry('/b'));
    expect(log.rows).toHaveLength(0);
    await writer.flush();
    expect(log.rows.map((r) => [r.seq, r.route])).toEqual([
      [1, '/a'],
      [2, '/b'],
    ]);
    expect(log.rows[0].prevHash).toBe(GENESIS_HASH);
    expect(firstBreak(log.rows, { seq: 0, hash: GENESIS_HASH })).toBeNull();
    // The lock is taken before the head is read, and the insert follows, in one transaction.
    expect(log.journal).toEqual(['lock', 'head', 'insert 1..2']);
    expect(transactions.count).toBe(1);
  });

  it('chains a later batch after the stored head, whoever wrote it', async () => {
    const { writer, log } = setUp();
    writer.record(entry('/a'));
    await writer.flush();
    const second = new AccessLogWriter(new InMemoryTransactions(), log, {
      ACCESS_LOG_BATCH_SIZE: 100,
      ACCESS_LOG_FLUSH_MS: 60_000,
    });
    second.record(entry('/b'));
    await second.flush();
    expect(log.rows[1]).toMatchObject({ seq: 2, prevHash: log.rows[0].hash });
    expect(firstBreak(log.rows, { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });

  it('writes at once when a batch is full, one transaction per batch', async () => {
    const { writer, log, transactions } = setUp(2);
    for (const r of ['/a', '/b', '/c']) writer.record(entry(r));
    await writer.flush();
    expect(log.rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(log.journal.filter((j) => j.startsWith('insert'))).toEqual(['insert 1..2', 'insert 3..3']);
    expect(transactions.count).toBe(2);
  });

  it('writes a refused batch row by row, dropping only the row the database refuses', async () => {
    const { writer, log } = setUp();
    log.failInsert = (rows) => (rows.some((r) => r.route === '/bad') ? dataError() : undefined);
    for (const r of ['/a', '/bad', '/c']) writer.record(entry(r));
    await writer.flush();
    expect(log.rows.map((r) => [r.seq, r.route])).toEqual([
      [1, '/a'],
      [2, '/c'],
    ]);
    expect(firstBreak(log.rows, { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });

  it('keeps the rows while the database is down and writes them on the next flush', async () => {
    const { writer, log } = setUp();
    log.failInsert = () => new Error('connect ECONNREFUSED');
    writer.record(entry('/a'));
    await writer.flush();
    expect(log.rows).toHaveLength(0);
    log.failInsert = () => undefined;
    writer.record(entry('/b'));
    await writer.flush();
    expect(log.rows.map((r) => r.route)).toEqual(['/a', '/b']);
  });

  it('makes what a caller put in a path storable: no NUL or lone surrogate, at most 512 characters', async () => {
    const { writer, log } = setUp();
    writer.record(entry(`/x\u0000y\uD800z${'a'.repeat(600)}`, { subjectIds: ['id\u0000'] }));
    await writer.flush();
    const [row] = log.rows;
    expect(row.route.startsWith('/x\uFFFDy\uFFFDz')).toBe(true);
    expect(row.route).toHaveLength(512);
    expect(row.subjectIds).toEqual(['id\uFFFD']);
  });

  it('once shut down, drops what the database still cannot take rather than keeping it', async () => {
    const { writer, log } = setUp();
    log.failInsert = () => new Error('connect ECONNREFUSED');
    writer.record(entry('/a'));
    await writer.onApplicationShutdown();
    expect(log.rows).toHaveLength(0);
    await writer.flush();
    log.failInsert = () => undefined;
    writer.record(entry('/b'));
    await writer.flush();
    expect(log.rows.map((r) => r.route)).toEqual(['/b']);
  });
});
