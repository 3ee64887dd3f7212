import type { AppConfig } from '../config/app-config';
import type { ClaimQueueProducer } from '../queue/claim-queue.producer';
import { InMemoryAdjudicationRepository } from '../testing/in-memory-adjudication.repository';
import { SweeperService } from './sweeper.service';

const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function setUp() {
  const repo = new InMemoryAdjudicationRepository(() => NOW);
  const enqueued: string[][] = [];
  const queue = { reenqueue: (ids: readonly string[]) => (enqueued.push([...ids]), Promise.resolve()) };
  const config = { STUCK_CLAIM_AFTER_MS: 60_000 } as AppConfig;
  const sweeper = new SweeperService(repo, config, queue as unknown as ClaimQueueProducer);
  return { repo, enqueued, sweeper };
}

describe('SweeperService', () => {
  it('re-enqueues claims left in received or adjudicating past the limit, the longest waiting first', async () => {
    const { repo, enqueued, sweeper } = setUp();
    repo.claims.push(
      { id: 'fresh', status: 'received', updatedAt: ago(59_000) },
      { id: 'received-late', status: 'received', updatedAt: ago(61_000) },
      { id: 'adjudicating-later', status: 'adjudicating', updatedAt: ago(120_000) },
      { id: 'decided', status: 'approved', updatedAt: ago(600_000) },
    );
    expect(await sweeper.sweep()).toBe(2);
    expect(enqueued).toEqual([['adjudicating-later', 'received-late']]);
  });

  it('sends at most the limit of one sweep and touches the queue not at all when nothing is stuck', async () => {
    const { repo, enqueued, sweeper } = setUp();
    expect(await sweeper.sweep()).toBe(0);
    expect(enqueued).toEqual([]);
    for (let i = 0; i < 5; i += 1)
      repo.claims.push({ id: `c${i}`, status: 'received', updatedAt: ago(70_000 + i) });
    expect(await sweeper.sweep(3)).toBe(3);
    expect(enqueued).toEqual([['c4', 'c3', 'c2']]);
  });
});
