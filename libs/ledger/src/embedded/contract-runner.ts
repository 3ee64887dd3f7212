// Must load before the contract class: it tames fabric-contract-api's process hooks and logging.
import './contract-api-hooks';
import type { Context } from 'fabric-contract-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { ClaimtrailContract } from '@claimtrail/chaincode/claimtrail.contract';
import { useEmbeddedIdentities } from '@claimtrail/chaincode/caller-identity';
import {
  eventsText,
  writeSetEntry,
  type TransactionPayload,
  type TransactionResponse,
} from '../chain/transaction';
import { EmbeddedClientIdentity } from './embedded-client-identity';
import { EmbeddedStub, type StubEvent } from './embedded-stub';
import type { StateStore, StateWrite } from './state-store';

type TxFunction = (contract: ClaimtrailContract, ctx: Context, args: readonly string[]) => Promise<string>;

// The contract's transaction functions with their arity, as Fabric's contract router exposes them.
const FUNCTIONS: Readonly<Record<string, { arity: number; call: TxFunction }>> = {
  RecordDecisions: { arity: 1, call: (c, ctx, [batch]) => c.RecordDecisions(ctx, batch) },
  GetClaim: { arity: 1, call: (c, ctx, [claimId]) => c.GetClaim(ctx, claimId) },
  GetClaimHistory: { arity: 1, call: (c, ctx, [claimId]) => c.GetClaimHistory(ctx, claimId) },
  CreateFund: { arity: 1, call: (c, ctx, [fund]) => c.CreateFund(ctx, fund) },
  TopUpFund: { arity: 1, call: (c, ctx, [topUp]) => c.TopUpFund(ctx, topUp) },
  RecordPayments: { arity: 1, call: (c, ctx, [batch]) => c.RecordPayments(ctx, batch) },
  GetFund: { arity: 1, call: (c, ctx, [fundId]) => c.GetFund(ctx, fundId) },
  GetFundAllocations: { arity: 1, call: (c, ctx, [fundId]) => c.GetFundAllocations(ctx, fundId) },
  GetPayment: { arity: 1, call: (c, ctx, [claimId]) => c.GetPayment(ctx, claimId) },
  GetClaimRecords: { arity: 1, call: (c, ctx, [ids]) => c.GetClaimRecords(ctx, ids) },
  RecordAccessLogAnchor: { arity: 1, call: (c, ctx, [anchor]) => c.RecordAccessLogAnchor(ctx, anchor) },
  GetAccessLogAnchors: { arity: 1, call: (c, ctx, [query]) => c.GetAccessLogAnchors(ctx, query) },
};

// The contract is stateless; one instance serves every invocation. Every identity here is one the
// platform signs with itself (there is no MSP whose CA could hand out a role): say so explicitly,
// as the chaincode refuses to run without a binding.
useEmbeddedIdentities();
const contract = new ClaimtrailContract();

/** What executing a transaction produced; nothing is committed yet. */
export interface Execution {
  result: string;
  writes: StateWrite[];
  event: StubEvent | null;
}

/**
 * Runs one claimtrail transaction function the way a Fabric peer endorses it: a fresh Context with
 * the stub and client identity, the before/after hooks, reads from committed state, writes
 * collected into a write set for the caller to commit (or drop).
 */
export async function executeTransaction(
  store: StateStore,
  payload: Pick<
    TransactionPayload,
    'txId' | 'channel' | 'chaincode' | 'fn' | 'args' | 'timestamp' | 'creator'
  >,
): Promise<Execution> {
  if (payload.chaincode !== contract.getName())
    throw new Error(`chaincode ${payload.chaincode} is not installed`);
  if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, payload.fn)) {
    throw new Error(`You've asked to invoke a function that does not exist: ${payload.fn}`);
  }
  const fn = FUNCTIONS[payload.fn];
  if (payload.args.length !== fn.arity) {
    throw new Error(`Expected ${fn.arity} parameters, but ${payload.args.length} have been supplied`);
  }
  const identity = new EmbeddedClientIdentity(payload.creator);
  const stub = new EmbeddedStub(store, {
    txId: payload.txId,
    channelId: payload.channel,
    chaincode: payload.chaincode,
    fn: payload.fn,
    args: payload.args,
    timestamp: payload.timestamp,
    creator: { mspid: payload.creator.mspId, idBytes: identity.getIDBytes() },
  });
  const ctx = contract.createContext();
  ctx.stub = stub as unknown as ChaincodeStub;
  ctx.clientIdentity = identity;
  await contract.beforeTransaction(ctx);
  const result = await fn.call(contract, ctx, payload.args);
  await contract.afterTransaction(ctx, result);
  return { result, writes: stub.writeSet(), event: stub.emittedEvent() };
}

/** The response an execution produced, as a transaction records it: result, events, write set. */
export function responseOf(execution: Execution): TransactionResponse {
  const { event } = execution;
  return {
    result: execution.result,
    events: eventsText(
      event ? [{ name: event.name, payload: JSON.parse(event.payload.toString('utf8')) as unknown }] : [],
    ),
    writes: execution.writes.map((w) => writeSetEntry(w.key, w.value)),
  };
}
