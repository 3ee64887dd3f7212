import type { DecisionRecord, StoredDecisionRecord } from '@claimtrail/chaincode/records';
import type { ProofBundle } from './proof/proof-bundle';

/** Organization kinds that may sign ledger transactions. */
export type OrgKind = 'payer' | 'provider' | 'funder' | 'operator';

/** The identity a ledger transaction is signed with: one per organization. */
export interface SigningIdentity {
  orgId: string;
  kind: OrgKind;
  /** Fabric MSP id; the embedded ledger uses the organization id. */
  mspId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Where one record landed on the ledger. */
export interface LedgerReceipt {
  claimId: string;
  revision: number;
  outcome: 'recorded' | 'unchanged' | 'conflict';
  /** Transaction holding the record (the original one for `unchanged`). */
  txId: string;
  /** Block holding that transaction; null for `conflict`. */
  blockNumber: number | null;
}

/** The newest block. */
export interface LedgerHead {
  height: number;
  blockNumber: number;
  blockHash: string;
}

/** Result of re-verifying the whole stored chain. */
export interface ChainCheck {
  ok: boolean;
  blocksChecked: number;
  /** First block that fails, with the reason. */
  firstBadBlock?: { number: number; reason: string };
}

/** Business-facing ledger operations; implemented by EmbeddedLedger and FabricLedger. */
export interface LedgerPort {
  /** Records decisions signed by `signer` in one ledger transaction; identical records are no-ops. */
  recordDecisions(records: DecisionRecord[], signer: SigningIdentity): Promise<LedgerReceipt[]>;
  /** Every recorded revision of a claim's decision, oldest first. */
  getClaimHistory(claimId: string): Promise<StoredDecisionRecord[]>;
  /** The newest block. */
  head(): Promise<LedgerHead>;
  /** A self-contained proof for a claim's latest (or given) revision, or null when none is recorded. */
  proveClaim(claimId: string, revision?: number): Promise<ProofBundle | null>;
  /** Re-verifies every stored block and transaction. */
  checkChain(): Promise<ChainCheck>;
}

/** Nest injection token for the configured LedgerPort. */
export const LEDGER = Symbol('LEDGER');
