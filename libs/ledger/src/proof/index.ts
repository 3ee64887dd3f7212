/**
 * What an offline verifier needs, and nothing of the ledgers themselves: checking a proof bundle
 * against a trust file, and a kept head's signature. A light entry (no Fabric client, no NestJS,
 * no database) so that `claimtrail verify` starts fast; the library's main entry has it all too.
 */
export { verifyProofBundle } from './verify-proof-bundle';
export { isFabricProof, type FabricProofBundle } from './fabric/fabric-proof-bundle';
export type { ProofBundle, ProofKind, ProofVerification } from './proof-bundle';
export { parseTrustAnchor, type TrustAnchor, type TrustedOrganization } from './trust-anchor';
export { headSignatureValid, type SignedHead } from '../chain/signed-head';
export { shortHash } from '../chain/sha256';
