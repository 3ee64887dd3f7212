import type { AdjudicationService, BatchOutcome } from '@claimtrail/claims/adjudication/adjudication.service';
import type { AppConfig } from '@claimtrail/claims/config/app-config';
import { AdjudicationBatcher } from './adjudication-batcher';

/** A stand-in for the adjudication service whose batches finish when the test says so. */
function fakeAdjudication() {
  const batches: { ids: string[]; finish: () => void }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const service = {
    adjudicateBatch: (ids: string[]) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      return new Promise<BatchOutcome[]>((resolve) => {
        batches.push({
          ids,
          finish: () => {
            running -= 1;
            resolve(ids.map(() => ({ kind: 'decided', status: 'approved', revision: 1 }) as BatchOutcome));
          },
        });
      });
    },
  } as unknown as AdjudicationService;
  return { service, batches, mostAtOnce: () => mostAtOnce };
}

const config = (inFlight: number) =>
  ({
    ADJUDICATION_BATCH_SIZE: 4,
    ADJUDICATION_BATCH_WAIT_MS: 1,
    ADJUDICATION_BATCHES_IN_FLIGHT: inFlight,
  }) as AppConfig;

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
};

describe('AdjudicationBatcher', () => {
  it('sends a batch after its short wait while nothing else is being decided', async () => {
    const fake = fakeAdjudication();
    const batcher = new AdjudicationBatcher(fake.service, config(1));
    const done = Promise.all(['a', 'b'].map((id) => batcher.adjudicate(id)));
    await until(() => fake.batches.length === 1);
    expect(fake.batches[0].ids).toEqual(['a', 'b']);
    fake.batches[0].finish();
    await expect(done).resolves.toHaveLength(2);
  });

  it('holds batches while the limit is in flight, lets them fill, and sends one as each finishes', async () => {
    const fake = fakeAdjudication();
    const batcher = new AdjudicationBatcher(fake.service, config(1));
    const first = batcher.adjudicate('a');
    await until(() => fake.batches.length === 1);

    // While 'a' is being decided, claims keep arriving: they fill batches of four and wait.
    const later = ['b', 'c', 'd', 'e', 'f', 'g'].map((id) => batcher.adjudicate(id));
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.batches).toHaveLength(1);

    fake.batches[0].finish();
    await first;
    await until(() => fake.batches.length === 2);
    expect(fake.batches[1].ids).toEqual(['b', 'c', 'd', 'e']);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.batches).toHaveLength(2);

    fake.batches[1].finish();
    await until(() => fake.batches.length === 3);
    expect(fake.batches[2].ids).toEqual(['f', 'g']);
    fake.batches[2].finish();
    await expect(Promise.all(later)).resolves.toHaveLength(6);
    expect(fake.mostAtOnce()).toBe(1);
  });

  it('decides up to the limit of batches at once', async () => {
    const fake = fakeAdjudication();
    const batcher = new AdjudicationBatcher(fake.service, config(2));
    const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id) => batcher.adjudicate(id));
    await until(() => fake.batches.length === 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.batches).toHaveLength(2);
    // Finishing each batch in turn lets the held ones go (the list grows as they start).
    for (let i = 0; i < fake.batches.length; i++) {
      fake.batches[i].finish();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(fake.batches.map((b) => b.ids.length)).toEqual([4, 4, 2]);
    await expect(Promise.all(all)).resolves.toHaveLength(10);
    expect(fake.mostAtOnce()).toBe(2);
  });
});
