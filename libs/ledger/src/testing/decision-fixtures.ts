import type { SigningIdentity } from '../ledger.port';
import { generateSigningKeyPair } from '../signing';

/** Decision records: the chaincode's own fixtures, so both sides of the contract build the same ones. */
export { decisionRecord, randomHex32 } from '../../../../chaincode/test/support/fixtures';

/** A signing identity with a fresh P-256 key pair. */
export function signingIdentity(
  overrides: Partial<Omit<SigningIdentity, 'publicKeyPem' | 'privateKeyPem'>> = {},
): SigningIdentity {
  const orgId = overrides.orgId ?? 'payer-1';
  return { orgId, kind: 'payer', mspId: orgId, ...generateSigningKeyPair(), ...overrides };
}
