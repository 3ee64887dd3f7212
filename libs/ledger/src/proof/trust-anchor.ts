import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { OrgKind } from '../chain/transaction';

/** Current trust file format version. */
export const TRUST_ANCHOR_VERSION = 1;

/** An organization's ledger signing key, as a verifier pinned it. */
export interface TrustedOrganization {
  id: string;
  kind: OrgKind;
  /** SPKI PEM of its ECDSA P-256 signing key. */
  publicKeyPem: string;
}

/** A Fabric MSP, as a verifier pinned it: the kind of organization it stands for and its root CAs. */
export interface TrustedMsp {
  mspId: string;
  kind: OrgKind;
  rootCertsPem: string[];
}

/**
 * What a verifier trusts, obtained once outside any proof (`claimtrail trust fetch`) and kept: the
 * organizations' signing keys, the Fabric MSPs' root certificates, and the key the embedded ledger
 * signs its heads and checkpoints with. A proof is only believed as far as it chains to this.
 */
export interface TrustAnchor {
  version: typeof TRUST_ANCHOR_VERSION;
  organizations: TrustedOrganization[];
  msps: TrustedMsp[];
  /** SPKI PEM of the embedded ledger's head-signing key; absent for a Fabric-only anchor. */
  ledgerHeadKeyPem?: string;
}

const kind = z.enum(['payer', 'provider', 'funder', 'operator']);
const pem = z.string().min(1).max(20_000);

/** Schema of a trust file. */
export const trustAnchorSchema = z.strictObject({
  version: z.literal(TRUST_ANCHOR_VERSION),
  organizations: z.array(z.strictObject({ id: z.string().min(1), kind, publicKeyPem: pem })),
  msps: z.array(z.strictObject({ mspId: z.string().min(1), kind, rootCertsPem: z.array(pem) })),
  ledgerHeadKeyPem: pem.optional(),
});

/** Parses a trust file's contents; throws an Error naming each problem. */
export function parseTrustAnchor(input: unknown): TrustAnchor {
  const parsed = trustAnchorSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`not a trust file: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Two PEM public keys are the same key (compared by their DER encoding, not their text). */
export function sameKey(a: string, b: string): boolean {
  try {
    const der = (pemText: string) => createPublicKey(pemText).export({ type: 'spki', format: 'der' });
    return der(a).equals(der(b));
  } catch {
    return false;
  }
}

/** The trusted organization with `id`, or undefined. */
export function trustedOrganization(trust: TrustAnchor, id: string): TrustedOrganization | undefined {
  return trust.organizations.find((o) => o.id === id);
}
