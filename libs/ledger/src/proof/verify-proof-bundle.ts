import { verifyEmbeddedProof } from './embedded/embedded-proof-verifier';
import { isFabricProof } from './fabric/fabric-proof-bundle';
import type { ProofBundle, ProofVerification } from './proof-bundle';
import type { TrustAnchor } from './trust-anchor';

/**
 * Checks a proof bundle offline, with no access to the ledger, against what the verifier trusts
 * (`trust`, kept outside any proof), by the ledger it comes from: a Fabric proof (`ledger:
 * 'fabric'`) with verifyFabricProof, any other with verifyEmbeddedProof. Never throws; reports
 * every problem found. The Fabric verifier (Fabric's protobufs and X.509, about half a second of
 * loading) is loaded only for a Fabric proof, so that verifying an embedded one starts fast.
 */
export function verifyProofBundle(input: ProofBundle | unknown, trust: TrustAnchor): ProofVerification {
  if (!isFabricProof(input)) return verifyEmbeddedProof(input, trust);
  const fabric = require('./fabric/fabric-proof-verifier') as typeof import('./fabric/fabric-proof-verifier');
  return fabric.verifyFabricProof(input, trust);
}
