import * as grpc from '@grpc/grpc-js';
import { EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../ledger.errors';

const TRANSIENT_GRPC = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.ABORTED]);
const CHAINCODE_ERROR = /chaincode response \d+, ([A-Z][A-Z_]+)(?: [^:]*)?:/;
// The Gateway's word for endorsers whose proposal responses (results, read-write sets) differ.
const MISMATCH = /ProposalResponsePayloads do not match/;

/** Whether a failure is worth another attempt: a peer or orderer unreachable, or an MVCC read conflict. */
export function isTransient(err: unknown): boolean {
  if (err instanceof LedgerError) return err.code === 'MVCC_CONFLICT' || err.code === 'UNAVAILABLE';
  return err instanceof GatewayError && TRANSIENT_GRPC.has(err.code);
}

/**
 * Whether the endorsing peers disagreed: the Gateway's own organization's peer endorsed (only
 * other organizations' peers report errors) and another's refused or computed a different
 * result. Peers commit each block independently, so this is most often a peer that has not yet
 * committed the block holding what the transaction builds on (the decision a payment pays, the
 * allocation before it); asked again a moment later, it agrees, or its refusal stands.
 */
export function endorsersDisagree(err: unknown, ownMspId: string): boolean {
  const cause = err instanceof LedgerError ? err.cause : err;
  if (!(cause instanceof EndorseError) || cause.details.length === 0) return false;
  return (
    cause.details.every((d) => d.mspId !== ownMspId) &&
    cause.details.some((d) => CHAINCODE_ERROR.test(d.message) || MISMATCH.test(d.message))
  );
}

/**
 * Maps a Gateway failure to a LedgerError: a refusal by the chaincode keeps the chaincode's code;
 * a failed endorsement for any other reason (access denied, the endorsement policy) is
 * ENDORSEMENT_FAILED; a peer or orderer that cannot be reached or does not answer in time is
 * UNAVAILABLE, the transient case. Anything else is returned as it is.
 */
export function asLedgerError(err: unknown, fn: string): unknown {
  if (!(err instanceof GatewayError)) return err;
  const messages = [err.message, ...err.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`)];
  const text = messages.join('; ');
  const refused = messages.map((m) => CHAINCODE_ERROR.exec(m)).find((m) => m !== null);
  if (refused)
    return new LedgerError('CHAINCODE_REJECTED', `${fn} refused: ${text}`, refused[1], { cause: err });
  const unreachable = err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED;
  const what = err instanceof EndorseError && !unreachable ? 'ENDORSEMENT_FAILED' : 'UNAVAILABLE';
  return new LedgerError(what, `${fn}: ${text}`, undefined, { cause: err });
}

/**
 * The LedgerError of a transaction the orderer took but the peers marked invalid, by its
 * validation code: MVCC_CONFLICT for a read conflict (transient); ENDORSEMENT_FAILED when its
 * endorsements do not satisfy a policy, the chaincode's or a key's (a fund's key needs its
 * funder's peer): like an endorsement the Gateway could not gather, only endorsing again with the
 * missing organization's peer helps; COMMIT_FAILED otherwise. The message names the code.
 */
export function commitFailure(fn: string, txId: string, code: number): LedgerError {
  const message = `${fn} transaction ${txId} did not commit: ${statusName(code)} (validation code ${code})`;
  if (code === StatusCode.MVCC_READ_CONFLICT || code === StatusCode.PHANTOM_READ_CONFLICT)
    return new LedgerError('MVCC_CONFLICT', message);
  if (code === StatusCode.ENDORSEMENT_POLICY_FAILURE)
    return new LedgerError(
      'ENDORSEMENT_FAILED',
      `${message}: its endorsements do not satisfy the chaincode's or a written key's endorsement policy`,
    );
  return new LedgerError('COMMIT_FAILED', message);
}

function statusName(code: number): string {
  const entry = Object.entries(StatusCode).find(([, value]) => value === code);
  return entry ? entry[0] : `code ${code}`;
}
