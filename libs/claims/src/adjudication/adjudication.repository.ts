/** What adjudication reads and writes in the database. */
export abstract class AdjudicationRepository {
  /**
   * Claims left in `received` or `adjudicating` for longer than `olderThanMs`, the longest waiting
   * first: their enqueue was lost or their worker died mid-job.
   */
  abstract stuckClaimIds(olderThanMs: number, limit: number): Promise<string[]>;
}
