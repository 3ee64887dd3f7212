import { z } from 'zod';
import type { StoredDecisionRecord, StoredPaymentRecord } from '@claimtrail/chaincode/records';
import type { LedgerHead } from '../../ledger.port';
import type { ProofKind } from '../proof-bundle';

/** Format version of Fabric proofs: 2 carries the record's own transaction and the block header only. */
export const FABRIC_PROOF_VERSION = 2;

/**
 * A proof that a claim's decision (or payment) is on a Fabric channel: the record, the transaction
 * envelope that wrote it (creator, signatures, endorsements, its own read-write set) and the header
 * of its block. No other transaction: Fabric's block data hash is SHA-256 over all the block's
 * envelopes concatenated (protoutil.BlockDataHash), so binding the envelope to the header offline
 * would take every other envelope's bytes, i.e. other organizations' records. That binding, and the
 * validity flag (block metadata no header hash covers), come from a peer the verifier trusts
 * (`claimtrail verify --fabric`).
 */
export interface FabricProofBundle {
  version: typeof FABRIC_PROOF_VERSION;
  ledger: 'fabric';
  kind: ProofKind;
  claimId: string;
  revision: number;
  record: StoredDecisionRecord | StoredPaymentRecord;
  channel: string;
  chaincode: string;
  txId: string;
  blockNumber: number;
  /** Hex SHA-256 of the block header, as the next block names it. */
  blockHash: string;
  /** The transaction's envelope as the block holds it, base64. */
  envelope: string;
  /** The block's header (common.BlockHeader), base64. */
  blockHeader: string;
  head: LedgerHead;
}

/** Whether a parsed proof bundle claims to come from Fabric (verification then checks the rest). */
export function isFabricProof(bundle: unknown): bundle is FabricProofBundle {
  return (
    typeof bundle === 'object' && bundle !== null && (bundle as { ledger?: unknown }).ledger === 'fabric'
  );
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** The shape of a Fabric proof bundle; what it says is checked by verifyFabricProof. */
export const fabricProofBundleSchema = z.object({
  version: z.literal(FABRIC_PROOF_VERSION),
  ledger: z.literal('fabric'),
  kind: z.enum(['decision', 'payment']),
  claimId: z.string().min(1),
  revision: z.number().int().positive(),
  record: z.looseObject({
    claimId: z.string(),
    revision: z.number(),
    txId: z.string(),
    payerId: z.string(),
    recordedBy: z.string(),
  }),
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  txId: z.string().min(1),
  blockNumber: z.number().int().nonnegative(),
  blockHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
  envelope: base64,
  blockHeader: base64,
  head: z.object({ height: z.number().int(), blockNumber: z.number().int(), blockHash: z.string() }),
});
