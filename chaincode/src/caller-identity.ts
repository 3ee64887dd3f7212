import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './chaincode.error';

/** Client-identity attribute holding the caller's organization kind (payer, provider, funder, operator). */
export const KIND_ATTRIBUTE = 'claimtrail.kind';
/** Client-identity attribute holding the caller's platform organization id. */
export const ORG_ID_ATTRIBUTE = 'claimtrail.orgId';

/**
 * Which organization kind each Fabric MSP may act as, from CLAIMTRAIL_MSP_KINDS
 * (`PayerMSP=payer,ProviderMSP=provider,FunderMSP=funder`), read once when the chaincode starts.
 * On Fabric every MSP's CA can put any attributes into the certificates it issues; this binding
 * keeps a clinic's CA from issuing its members a payer's role. Unset (the embedded ledger, where
 * the platform issues every identity itself), the attributes alone decide.
 */
export const MSP_KINDS: ReadonlyMap<string, string> = parseMspKinds(process.env.CLAIMTRAIL_MSP_KINDS ?? '');

/** Parses `MSP=kind,…`; a malformed entry stops the chaincode from starting. */
export function parseMspKinds(text: string): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [msp, kind, ...rest] = entry.split('=').map((p) => p.trim());
    if (!msp || !kind || rest.length > 0) throw new Error(`CLAIMTRAIL_MSP_KINDS: '${entry}' is not MSP=kind`);
    kinds.set(msp, kind);
  }
  return kinds;
}

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

/** Throws FORBIDDEN unless the caller's organization is of kind `kind` (and its MSP may act as one). */
export function requireKind(caller: Caller, kind: string, action: string, mspKinds = MSP_KINDS): void {
  if (caller.kind !== kind) {
    throw new ChaincodeError(
      'FORBIDDEN',
      `only a ${kind} organization may ${action} (caller is '${caller.kind || 'unknown'}')`,
    );
  }
  if (mspKinds.size > 0 && mspKinds.get(caller.mspId) !== kind) {
    throw new ChaincodeError('FORBIDDEN', `members of ${caller.mspId} may not act as a ${kind} organization`);
  }
}
