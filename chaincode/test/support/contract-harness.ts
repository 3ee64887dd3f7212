// Must load before the contract class: it quiets fabric-contract-api's logging.
import './quiet-contract-api';
import type { Context } from 'fabric-contract-api';
import type { ChaincodeStub, ClientIdentity } from 'fabric-shim-api';
import { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE, useEmbeddedIdentities } from '../../src/caller-identity';
import { ClaimtrailContract } from '../../src/claimtrail.contract';
import { MemoryStub, type StubEvent } from './memory-stub';
import type { MemoryWorldState, StateWrite } from './world-state';

/** Who submits a transaction: the attributes a client certificate would carry, and its MSP. */
export interface TestCreator {
  orgId: string;
  kind: string;
  mspId: string;
  publicKeyPem: string;
}

/** The transaction a spec runs. */
export interface TestTransaction {
  txId: string;
  channel: string;
  chaincode: string;
  fn: string;
  args: readonly string[];
  /** ISO 8601 instant the transaction carries. */
  timestamp: string;
  creator: TestCreator;
}

/** What executing a transaction produced; nothing is committed yet. */
export interface Execution {
  result: string;
  writes: StateWrite[];
  event: StubEvent | null;
}

// The specs act as the platform's own identities (no MSP binding to configure).
useEmbeddedIdentities();
const contract = new ClaimtrailContract();
let txCounter = 0;

/**
 * Runs one contract transaction function as a peer endorses it: a fresh Context with the stub and
 * client identity, the before/after hooks, reads from committed state, writes collected for the
 * caller to commit (or drop). Unknown functions and wrong arities fail as the contract router's do.
 */
export async function executeTransaction(state: MemoryWorldState, tx: TestTransaction): Promise<Execution> {
  if (tx.chaincode !== contract.getName()) throw new Error(`chaincode ${tx.chaincode} is not installed`);
  const fn = (contract as unknown as Record<string, unknown>)[tx.fn];
  if (!/^[A-Z]/.test(tx.fn) || typeof fn !== 'function') {
    throw new Error(`You've asked to invoke a function that does not exist: ${tx.fn}`);
  }
  if (tx.args.length !== fn.length - 1) {
    throw new Error(`Expected ${fn.length - 1} parameters, but ${tx.args.length} have been supplied`);
  }
  const identity = clientIdentity(tx.creator);
  const stub = new MemoryStub(state, {
    txId: tx.txId,
    channelId: tx.channel,
    chaincode: tx.chaincode,
    fn: tx.fn,
    args: tx.args,
    timestamp: tx.timestamp,
    creator: { mspid: tx.creator.mspId, idBytes: identity.getIDBytes() },
  });
  const ctx = contract.createContext();
  ctx.stub = stub as unknown as ChaincodeStub;
  ctx.clientIdentity = identity;
  await contract.beforeTransaction(ctx);
  const result = (await (fn as (ctx: Context, ...args: string[]) => Promise<string>).call(
    contract,
    ctx,
    ...tx.args,
  )) as string;
  await contract.afterTransaction(ctx, result);
  return { result, writes: stub.writeSet(), event: stub.emittedEvent() };
}

/** Runs one contract transaction on channel and chaincode `claimtrail`, and commits its writes. */
export async function invokeContract(
  state: MemoryWorldState,
  fn: string,
  args: string[],
  creator: TestCreator,
  opts: { txId?: string; timestamp: string },
): Promise<Execution> {
  const execution = await executeTransaction(state, {
    txId: opts.txId ?? `tx-${++txCounter}`,
    channel: 'claimtrail',
    chaincode: 'claimtrail',
    fn,
    args,
    timestamp: opts.timestamp,
    creator,
  });
  state.apply(execution.writes);
  return execution;
}

/** Serialises one transaction argument the way a client sends it. */
export const txArg = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A client identity whose attributes are the creator's kind and organization id. */
function clientIdentity(creator: TestCreator): ClientIdentity {
  const attributes = new Map([
    [KIND_ATTRIBUTE, creator.kind],
    [ORG_ID_ATTRIBUTE, creator.orgId],
  ]);
  return {
    getID: () => `x509::CN=${creator.orgId}::CN=${creator.mspId}`,
    getMSPID: () => creator.mspId,
    getAttributeValue: (name) => attributes.get(name) ?? null,
    assertAttributeValue: (name, value) => attributes.get(name) === value,
    getIDBytes: () => Buffer.from(creator.publicKeyPem, 'utf8'),
  };
}
