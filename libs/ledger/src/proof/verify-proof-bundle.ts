import { verifyEmbeddedProof } from './embedded/embedded-proof-verifier';
import { isFabricProof } from './fabric/fabric-proof-bundle';
import { verifyFabricProof } from './fabric/fabric-proof-verifier';
import type { ProofBundle, ProofVerification } from './proof-bundle';
import type { TrustAnchor } from './trust-anchor';

/**
 * Checks a proof bundle offline, with no access to the ledger, against what the verifier trusts
 * (`trust`, kept outside any proof), by the ledger it comes from: a Fabric proof (`ledger:
 * 'fabric'`) with verifyFabricProof, any other with verifyEmbeddedProof. Never throws; reports
 * every problem found.
 */
export function verifyProofBundle(input: ProofBundle | unknown, trust: TrustAnchor): ProofVerification {
  return isFabricProof(input) ? verifyFabricProof(input, trust) : verifyEmbeddedProof(input, trust);
}
