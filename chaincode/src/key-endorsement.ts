import type { Context } from 'fabric-contract-api';
import type { KeyEndorsementPolicy as KeyEndorsementPolicyClass } from 'fabric-shim';

// fabric-shim's main module is the chaincode runtime: loading it installs process-wide handlers
// (see libs/ledger's contract-api-hooks) in the API and worker, which run this contract in-process
// for the embedded ledger. Its policy builder alone needs only the protobuf definitions.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KeyEndorsementPolicy = require('fabric-shim/lib/utils/statebased') as typeof KeyEndorsementPolicyClass;

/**
 * The key-level endorsement policy "a peer of `mspId`", as a Fabric validation parameter
 * (a serialized SignaturePolicyEnvelope). The same MSP id always gives the same bytes, so every
 * endorser of a transaction writes identical metadata.
 */
export function peerOfPolicy(mspId: string): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', mspId);
  return policy.getPolicy();
}

/**
 * Puts `key` under its funder's key-level policy: once committed, Fabric's validation takes no
 * write (or deletion, or policy change) of the key that a peer of `funderMspId` did not endorse,
 * whatever the chaincode's own policy says. The call writes the key's metadata; its value is
 * written separately with putState.
 */
export async function requireFunderEndorsement(
  ctx: Context,
  key: string,
  funderMspId: string,
): Promise<void> {
  await ctx.stub.setStateValidationParameter(key, peerOfPolicy(funderMspId));
}
