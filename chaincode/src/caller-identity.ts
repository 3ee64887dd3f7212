import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './chaincode.error';

/** Client-identity attribute holding the caller's organization kind (payer, provider, funder, operator). */
export const KIND_ATTRIBUTE = 'claimtrail.kind';
/** Client-identity attribute holding the caller's platform organization id. */
export const ORG_ID_ATTRIBUTE = 'claimtrail.orgId';

/** Who is calling, as far as the contract's access rules are concerned. */
export interface Caller {
  kind: string;
  orgId: string;
  mspId: string;
}

/**
 * Resolves the caller from its client identity. Both the embedded ledger and Fabric CA-issued
 * certificates carry the kind and org id as attributes; a mapping from MSP ids belongs here too.
 */
export function resolveCaller(ctx: Context): Caller {
  const id = ctx.clientIdentity;
  return {
    kind: id.getAttributeValue(KIND_ATTRIBUTE) ?? '',
    orgId: id.getAttributeValue(ORG_ID_ATTRIBUTE) ?? '',
    mspId: id.getMSPID(),
  };
}

/** Throws FORBIDDEN unless the caller's organization is of kind `kind`. */
export function requireKind(caller: Caller, kind: string, action: string): void {
  if (caller.kind !== kind) {
    throw new ChaincodeError(
      'FORBIDDEN',
      `only a ${kind} organization may ${action} (caller is '${caller.kind || 'unknown'}')`,
    );
  }
}
