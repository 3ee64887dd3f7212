import { EmbeddedLedgerSchema1764000001000 } from './embedded/migrations/1764000001000-embedded-ledger';
import { EmbeddedLedgerStateReferences1764000011000 } from './embedded/migrations/1764000011000-ledger-state-references';
import { EmbeddedLedgerWriteSets1764000013000 } from './embedded/migrations/1764000013000-ledger-write-sets';
import { EmbeddedLedgerSaltedWrites1764000016000 } from './embedded/migrations/1764000016000-ledger-salted-writes';

export {
  LEDGER,
  type ChainCheck,
  type DecisionEvent,
  type DecisionEventStream,
  type EventCheckpoint,
  type FundReceipt,
  type IntegrityCheck,
  type IntegrityCursor,
  type IntegrityProblem,
  type LedgerHead,
  type LedgerPort,
  type LedgerReceipt,
  type OrgKind,
  type SigningIdentity,
} from './ledger.port';
export { LedgerError, type LedgerErrorCode } from './ledger.errors';
export { EmbeddedLedger, type EmbeddedLedgerOptions } from './embedded/embedded-ledger';
export { FabricLedger, type FabricLedgerOptions } from './fabric/fabric-ledger';
export { loadFabricNetworkConfig, type FabricNetworkConfig } from './fabric/network-config';
export { assertFabricReachable } from './fabric/preflight';
export {
  FABRIC_PROOF_VERSION,
  fabricProofBundleSchema,
  isFabricProof,
  type FabricProofBundle,
} from './proof/fabric/fabric-proof-bundle';
export { verifyFabricProof } from './proof/fabric/fabric-proof-verifier';
export { fabricTrustMsps } from './fabric/fabric-trust';
export { createLedger, LEDGER_SETTINGS, type LedgerSettings } from './ledger.module';
export { generateSigningKeyPair, type SigningKeyPair } from './signing';
export { verifyProofBundle } from './proof/verify-proof-bundle';
export { proofBundleSchema } from './proof/proof-bundle.schema';
export { shortHash } from './chain/sha256';
export {
  parseTrustAnchor,
  TRUST_ANCHOR_VERSION,
  trustAnchorSchema,
  type TrustAnchor,
  type TrustedMsp,
  type TrustedOrganization,
} from './proof/trust-anchor';
export {
  PROOF_BUNDLE_VERSION,
  type BlockRef,
  type PaymentProofBundle,
  type ProofBundle,
  type ProofKind,
  type ProvableRecord,
  type ProofTransaction,
  type ProofVerification,
} from './proof/proof-bundle';
export type { BlockHeader } from './chain/block-header';
export { headSignatureValid, signHead, type SignedHead } from './chain/signed-head';
export type { SignedTransaction, TransactionCreator, TransactionPayload } from './chain/transaction';
export type {
  ClaimRecords,
  DecisionLineRecord,
  DecisionRecord,
  FundEarmarks,
  FundOutcome,
  FundRecord,
  FundTopUp,
  FundView,
  LedgerDecisionStatus,
  PaymentAllocation,
  PaymentRecord,
  RecordOutcome,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredFundRecord,
  StoredFundTopUp,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';

export {
  EmbeddedLedgerSchema1764000001000,
  EmbeddedLedgerStateReferences1764000011000,
  EmbeddedLedgerWriteSets1764000013000,
  EmbeddedLedgerSaltedWrites1764000016000,
};

/** The embedded ledger's schema migrations in order (the platform's data source lists them among its own). */
export const ledgerMigrations = [
  EmbeddedLedgerSchema1764000001000,
  EmbeddedLedgerStateReferences1764000011000,
  EmbeddedLedgerWriteSets1764000013000,
  EmbeddedLedgerSaltedWrites1764000016000,
];

/** TypeORM entities of the ledger: none, it reads and writes with parameterised SQL. */
export const ledgerEntities: (new (...args: never[]) => object)[] = [];
