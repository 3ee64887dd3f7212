import type { Context } from 'fabric-contract-api';
import { canonicalBytes, canonicalJson } from './canonical-json';
import { ChaincodeError } from './chaincode.error';
import { readJson } from './ledger-keys';
import { txTimestampIso } from './tx-timestamp';

/** Client-identity attribute holding the caller's organization kind (payer, provider, funder, operator). */
export const KIND_ATTRIBUTE = 'claimtrail.kind';
/** Client-identity attribute holding the caller's platform organization id. */
export const ORG_ID_ATTRIBUTE = 'claimtrail.orgId';
/** Composite-key object type of the organization registry ([orgId] → the MSP it is bound to). */
export const ORGANIZATION_OBJECT_TYPE = 'orgmsp';

const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * How the contract trusts its callers' identities:
 * - `msp` (Fabric): each MSP may act as exactly one kind of organization
 *   (CLAIMTRAIL_MSP_KINDS=`PayerMSP=payer,…`), and each organization id is bound to the MSP that
 *   registered it (RegisterOrganization), so neither a CA's attributes nor an MSP alone decide;
 * - `platform` (the embedded ledger): the platform issues and signs every identity itself; the
 *   embedded ledger selects this mode explicitly (useEmbeddedIdentities).
 * Nothing else: a Fabric deployment without the binding refuses every transaction.
 */
export type IdentityBinding = { mode: 'msp'; kinds: ReadonlyMap<string, string> } | { mode: 'platform' };

let binding: IdentityBinding | null = bindingFromEnv(process.env.CLAIMTRAIL_MSP_KINDS);

function bindingFromEnv(text: string | undefined): IdentityBinding | null {
  const kinds = parseMspKinds(text ?? '');
  return kinds.size > 0 ? { mode: 'msp', kinds } : null;
}

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

/** The embedded ledger runs this contract in-process with identities the platform signs itself. */
export function useEmbeddedIdentities(): void {
  binding = { mode: 'platform' };
}

/** Replaces the binding (tests). */
export function setIdentityBinding(next: IdentityBinding | null): void {
  binding = next;
}

/** The configured binding; MISCONFIGURED (for every transaction) when there is none. */
export function identityBinding(): IdentityBinding {
  if (!binding) {
    throw new ChaincodeError(
      'MISCONFIGURED',
      'the chaincode has no MSP-to-kind binding: start it with CLAIMTRAIL_MSP_KINDS=<MSP>=<kind>,… (e.g. PayerMSP=payer,ProviderMSP=provider,FunderMSP=funder)',
    );
  }
  return binding;
}

/** Who is calling, as far as the contract's access rules are concerned. */
export interface Caller {
  kind: string;
  orgId: string;
  mspId: string;
}

/** Resolves the caller from its client identity's attributes and MSP. */
export function resolveCaller(ctx: Context): Caller {
  const id = ctx.clientIdentity;
  return {
    kind: id.getAttributeValue(KIND_ATTRIBUTE) ?? '',
    orgId: id.getAttributeValue(ORG_ID_ATTRIBUTE) ?? '',
    mspId: id.getMSPID(),
  };
}

/** Throws FORBIDDEN unless the caller's organization is of kind `kind` and its MSP may act as one. */
export function requireKind(
  caller: Caller,
  kind: string,
  action: string,
  bound: IdentityBinding = identityBinding(),
): void {
  if (caller.kind !== kind) {
    throw new ChaincodeError(
      'FORBIDDEN',
      `only a ${kind} organization may ${action} (caller is '${caller.kind || 'unknown'}')`,
    );
  }
  if (bound.mode === 'msp' && bound.kinds.get(caller.mspId) !== kind) {
    throw new ChaincodeError('FORBIDDEN', `members of ${caller.mspId} may not act as a ${kind} organization`);
  }
}

/** An organization's entry in the registry. */
export interface OrganizationBinding {
  docType: 'organization';
  orgId: string;
  kind: string;
  mspId: string;
  txId: string;
  registeredAt: string;
}

/** What RegisterOrganization did. */
export interface RegistrationOutcome {
  orgId: string;
  mspId: string;
  outcome: 'recorded' | 'unchanged';
  txId: string;
}

const organizationKey = (ctx: Context, orgId: string) =>
  ctx.stub.createCompositeKey(ORGANIZATION_OBJECT_TYPE, [orgId]);

/**
 * The caller, once it may `action` as a `kind` organization: the kind its attributes claim, its
 * MSP's kind, and on Fabric its organization id registered to its own MSP.
 */
export async function authorize(ctx: Context, kind: string, action: string): Promise<Caller> {
  const bound = identityBinding();
  const caller = resolveCaller(ctx);
  requireKind(caller, kind, action, bound);
  if (bound.mode === 'msp') {
    const entry = await readJson<OrganizationBinding>(ctx, organizationKey(ctx, caller.orgId));
    if (!entry) {
      throw new ChaincodeError(
        'FORBIDDEN',
        `organization '${caller.orgId}' is not registered to ${caller.mspId} (RegisterOrganization first)`,
      );
    }
    if (entry.mspId !== caller.mspId || entry.kind !== caller.kind) {
      throw new ChaincodeError(
        'FORBIDDEN',
        `organization '${caller.orgId}' is bound to ${entry.mspId} as a ${entry.kind}, not to ${caller.mspId}`,
      );
    }
  }
  return caller;
}

/**
 * RegisterOrganization: binds the caller's organization id to the caller's MSP, once. The
 * certificate's attributes come from the MSP's own CA, which vouches for the id; the first
 * registration wins, and the same registration again is a no-op.
 */
export async function registerOrganization(ctx: Context): Promise<string> {
  const bound = identityBinding();
  if (bound.mode !== 'msp')
    throw new ChaincodeError('INVALID_ARGUMENT', 'organizations are registered on Fabric only');
  const caller = resolveCaller(ctx);
  if (!ORG_ID.test(caller.orgId)) {
    throw new ChaincodeError('FORBIDDEN', `the caller's certificate names no valid ${ORG_ID_ATTRIBUTE}`);
  }
  const kind = bound.kinds.get(caller.mspId);
  if (!kind || caller.kind !== kind) {
    throw new ChaincodeError(
      'FORBIDDEN',
      `members of ${caller.mspId} may not act as a ${caller.kind || 'unknown'} organization`,
    );
  }
  const key = organizationKey(ctx, caller.orgId);
  const existing = await readJson<OrganizationBinding>(ctx, key);
  if (existing) {
    if (existing.mspId !== caller.mspId || existing.kind !== caller.kind) {
      throw new ChaincodeError(
        'CONFLICT',
        `organization '${caller.orgId}' is already bound to ${existing.mspId} as a ${existing.kind}`,
      );
    }
    return canonicalJson({
      orgId: caller.orgId,
      mspId: caller.mspId,
      outcome: 'unchanged',
      txId: existing.txId,
    } satisfies RegistrationOutcome);
  }
  const txId = ctx.stub.getTxID();
  const entry: OrganizationBinding = {
    docType: 'organization',
    orgId: caller.orgId,
    kind,
    mspId: caller.mspId,
    txId,
    registeredAt: txTimestampIso(ctx),
  };
  await ctx.stub.putState(key, canonicalBytes(entry));
  return canonicalJson({
    orgId: caller.orgId,
    mspId: caller.mspId,
    outcome: 'recorded',
    txId,
  } satisfies RegistrationOutcome);
}
