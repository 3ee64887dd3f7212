import type { Checkpoint } from '@hyperledger/fabric-gateway';
import { CLAIM_DECIDED_EVENT } from '@claimtrail/chaincode/claimtrail.contract';
import type { DecisionEvent, DecisionEventStream, EventCheckpoint } from '../ledger.port';
import { READ_ORDER, type GatewayPool } from './gateway-pool';

/**
 * Follows the chaincode's decision events from just after `after` (from block 0 without one),
 * through the reader of the `attempt`-th peer in read order, so a reconnection tries the next.
 */
export async function followDecisionEvents(
  pool: GatewayPool,
  after: EventCheckpoint | null,
  attempt: number,
): Promise<DecisionEventStream> {
  // A checkpoint resumes at its block, after its transaction's event.
  const checkpoint: Checkpoint | undefined = after
    ? { getBlockNumber: () => BigInt(after.blockNumber), getTransactionId: () => after.txId }
    : undefined;
  const kind = READ_ORDER[attempt % READ_ORDER.length];
  const events = await (
    await pool.readerGateway(kind)
  )
    .getNetwork(pool.network.channel)
    .getChaincodeEvents(pool.network.chaincode, { checkpoint, startBlock: BigInt(0) });
  async function* decisions(): AsyncGenerator<DecisionEvent> {
    for await (const event of events) {
      if (event.eventName !== CLAIM_DECIDED_EVENT) continue;
      const { records } = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Pick<
        DecisionEvent,
        'records'
      >;
      yield { blockNumber: Number(event.blockNumber), txId: event.transactionId, records };
    }
  }
  const stream = decisions();
  return { [Symbol.asyncIterator]: () => stream, close: () => events.close() };
}
