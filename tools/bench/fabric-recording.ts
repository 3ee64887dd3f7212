import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  FabricLedger,
  generateSigningKeyPair,
  type DecisionRecord,
  type FabricNetworkConfig,
  type SigningIdentity,
} from '@claimtrail/ledger';

/** One way of recording on Fabric, and what it achieved. */
export interface RecordingMode {
  mode: string;
  claimsPerTransaction: number;
  inFlight: number;
  transactions: number;
  claims: number;
  seconds: number;
  claimsPerSecond: number;
  transactionsPerSecond: number;
}

/** Both ways side by side, with the network's block cutting. */
export interface FabricRecording {
  single: RecordingMode;
  batched: RecordingMode;
  /** Batched claims/s over single claims/s. */
  ratio: number;
  blockCutting: FabricNetworkConfig['blockCutting'] | null;
}

/**
 * Records real decision records (taken from the run, each under a fresh claim id) straight through
 * FabricLedger for `seconds` each way: one claim per transaction with many transactions in flight,
 * then the relay's batches (`batchSize` claims per transaction, `batchesInFlight` at once). Same
 * network, same run.
 */
export async function measureFabricRecording(opts: {
  network: FabricNetworkConfig;
  templates: DecisionRecord[];
  seconds: number;
  batchSize: number;
  batchesInFlight: number;
  log: (line: string) => void;
}): Promise<FabricRecording> {
  if (opts.templates.length === 0) throw new Error('no decision records to record');
  const signer: SigningIdentity = {
    orgId: `bench-payer-${randomBytes(4).toString('hex')}`,
    kind: 'payer',
    mspId: opts.network.orgs.payer.mspId,
    ...generateSigningKeyPair(),
  };
  const ledger = new FabricLedger(opts.network);
  let next = 0;
  const fresh = (): DecisionRecord => ({
    ...opts.templates[next++ % opts.templates.length],
    // Time-ordered ids, as the platform gives its claims: new keys then sort after the peers' state,
    // where LevelDB mostly finds them missing without reading its tables.
    claimId: uuidv7(),
    revision: 1,
    payerId: signer.orgId,
  });
  /**
   * `together` decides how the transactions in flight are sent. Apart (clients each on their own):
   * a new transaction as soon as one returns. Together (the relay's way): a round of `inFlight`
   * transactions sent at once and waited for, then the next round. On Fabric that matters: a peer
   * commits a block only once every simulation running on it has finished, and starts no new one
   * meanwhile, so transactions sent apart keep stalling each other's endorsements.
   */
  const run = async (
    mode: string,
    claimsPerTransaction: number,
    inFlight: number,
    together: boolean,
  ): Promise<RecordingMode> => {
    opts.log(`recording on Fabric: ${mode} for ${opts.seconds} s…`);
    const started = Date.now();
    const deadline = started + opts.seconds * 1000;
    let transactions = 0;
    let claims = 0;
    const send = async () => {
      const batch = Array.from({ length: claimsPerTransaction }, fresh);
      await ledger.recordDecisions(batch, signer);
      transactions += 1;
      claims += batch.length;
    };
    if (together) {
      while (Date.now() < deadline) await Promise.all(Array.from({ length: inFlight }, send));
    } else {
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (Date.now() < deadline) await send();
        }),
      );
    }
    const seconds = (Date.now() - started) / 1000;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      mode,
      claimsPerTransaction,
      inFlight,
      transactions,
      claims,
      seconds: round(seconds),
      claimsPerSecond: round(claims / seconds),
      transactionsPerSecond: round(transactions / seconds),
    };
  };
  try {
    // Warm the connections and the enrolment before anything is timed.
    await ledger.recordDecisions([fresh()], signer);
    const single = await run('one claim per transaction', 1, 32, false);
    const batched = await run(
      `${opts.batchSize} claims per transaction`,
      opts.batchSize,
      opts.batchesInFlight,
      true,
    );
    return {
      single,
      batched,
      ratio:
        single.claimsPerSecond > 0
          ? Math.round((batched.claimsPerSecond / single.claimsPerSecond) * 10) / 10
          : 0,
      blockCutting: opts.network.blockCutting ?? null,
    };
  } finally {
    ledger.close();
  }
}
