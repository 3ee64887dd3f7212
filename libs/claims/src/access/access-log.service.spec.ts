import { InMemoryAccessLogRepository } from '../testing/in-memory-access-log.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import { AccessLogWriter } from './access-log/access-log-writer';
import { AccessLogService } from './access-log.service';
import { accessLogEntry } from '../testing/access-log-entries';

const entry = (action: string, subjectIds: string[], organizationId: string | null) =>
  accessLogEntry({
    action,
    organizationId,
    subjectIds,
    subjectCount: action === 'list_claims' ? subjectIds.length : null,
  });

function setUp() {
  const log = new InMemoryAccessLogRepository();
  const writer = new AccessLogWriter(new InMemoryTransactions(), log, {
    ACCESS_LOG_BATCH_SIZE: 100,
    ACCESS_LOG_FLUSH_MS: 60_000,
  });
  writer.record(entry('read_claim', ['c1'], 'org-a'));
  writer.record(entry('list_claims', ['c1', 'c2'], 'org-b'));
  writer.record(entry('read_proof', ['c2'], 'org-a'));
  writer.record(entry('refused', [], null));
  return { log, service: new AccessLogService(log, writer) };
}

describe('AccessLogService', () => {
  it('writes what is buffered first, then lists newest first without the chain link', async () => {
    const { service, log } = setUp();
    expect(log.rows).toHaveLength(0);
    const all = await service.list({ limit: 10 });
    expect(all.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(all[0]).not.toHaveProperty('prevHash');
    expect(all[0].hash).toBe(log.rows[3].hash);
  });

  it('names the claim of a single read, and none for list pages and other entries', async () => {
    const { service } = setUp();
    const all = await service.list({ limit: 10 });
    expect(all.map((e) => [e.action, e.claimId])).toEqual([
      ['refused', null],
      ['read_proof', 'c2'],
      ['list_claims', null],
      ['read_claim', 'c1'],
    ]);
  });

  it('filters by claim (list pages included) and organization, and pages by id', async () => {
    const { service } = setUp();
    expect((await service.list({ claimId: 'c1', limit: 10 })).map((e) => e.id)).toEqual([2, 1]);
    expect((await service.list({ organizationId: 'org-a', limit: 10 })).map((e) => e.id)).toEqual([3, 1]);
    expect((await service.list({ before: 3, limit: 1 })).map((e) => e.id)).toEqual([2]);
  });
});
