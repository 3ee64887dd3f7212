import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AdjudicationService, type AdjudicationOutcome, type BatchOutcome } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';

/** How often a claim may be put off to a later batch because its member was busy, before it waits. */
const MAX_DEFERRALS = 4;

/**
 * Gathers the claims of the jobs running at the same moment into batches of up to
 * ADJUDICATION_BATCH_SIZE and decides each batch in one transaction. A batch waits
 * ADJUDICATION_BATCH_WAIT_MS to fill; if ADJUDICATION_BATCHES_IN_FLIGHT batches are already
 * being decided it waits, still filling, until one of them finishes. So batches stay small and
 * quick while the worker keeps up, and grow with the load when it is busy — the statements a
 * batch costs are then paid for more claims, instead of more batches queueing for the same
 * cores.
 *
 * A claim whose member another batch is deciding goes into the next batch instead of holding
 * this one up (after a few turns it waits for the member). Every job still succeeds or fails on
 * its own claim, so BullMQ's retries, stalled-job recovery and the poison-claim budget work per
 * claim as before.
 */
@Injectable()
export class AdjudicationBatcher {
  private readonly loader: DataLoader<string, Exclude<BatchOutcome, Error>>;
  private inFlight = 0;
  /** Batches ready to go, waiting for one in flight to finish. */
  private readonly held: (() => void)[] = [];

  constructor(
    private readonly adjudication: AdjudicationService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const limit = config.ADJUDICATION_BATCHES_IN_FLIGHT;
    this.loader = new DataLoader(
      async (claimIds) => {
        this.inFlight += 1;
        try {
          return await adjudication.adjudicateBatch([...claimIds], new Date(), { deferBusyMembers: true });
        } finally {
          this.inFlight -= 1;
          this.held.shift()?.();
        }
      },
      {
        cache: false,
        maxBatchSize: config.ADJUDICATION_BATCH_SIZE,
        batchScheduleFn: (run) =>
          setTimeout(
            () => (this.inFlight < limit ? run() : this.held.push(run)),
            config.ADJUDICATION_BATCH_WAIT_MS,
          ),
      },
    );
  }

  /** Resolves with the claim's outcome once the batch that decided it is committed. */
  async adjudicate(claimId: string): Promise<AdjudicationOutcome> {
    for (let turn = 0; turn < MAX_DEFERRALS; turn++) {
      const outcome = await this.loader.load(claimId);
      if (outcome.kind !== 'deferred') return outcome;
    }
    return this.adjudication.adjudicateClaim(claimId);
  }
}
