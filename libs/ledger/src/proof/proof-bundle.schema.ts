import { z } from 'zod';
import type { ProofVerification } from './proof-bundle';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lowercase hex');
const count = z.int().min(0);

const header = z.strictObject({
  number: count,
  previousHash: hex32,
  merkleRoot: hex32,
  txCount: count,
  timestamp: z.string(),
  hash: hex32,
});

const creator = z.strictObject({
  orgId: z.string(),
  kind: z.enum(['payer', 'provider', 'funder', 'operator']),
  mspId: z.string(),
  publicKeyPem: z.string(),
});

const hexText = z.string().regex(/^([0-9a-f]{2})+$/, 'must be lowercase hex');

const content = z.strictObject({
  proposal: z.strictObject({
    version: z.literal(3),
    txId: hex32,
    channel: z.string(),
    chaincode: z.string(),
    fn: z.string(),
    argsHash: hex32,
    creator,
    nonce: hexText,
    timestamp: z.string(),
  }),
  response: z.strictObject({
    resultHash: hex32,
    eventsHash: hex32,
    writesRoot: hex32,
    writeCount: count,
  }),
});

// The record keeps unknown keys: a field added to it must make it differ from the signed one.
const record = z.looseObject({
  claimId: z.string(),
  revision: z.int(),
  docType: z.string(),
  txId: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

/** Structural schema of a proof bundle; the cryptographic checks come after it passes. */
export const proofBundleSchema = z.strictObject({
  version: z.literal(3),
  ledger: z.literal('embedded'),
  kind: z.enum(['decision', 'payment']),
  claimId: z.string(),
  revision: z.int().min(1),
  record,
  transaction: z.strictObject({ content, signature: z.string(), txHash: hex32 }),
  write: z.strictObject({ index: count, salt: hex32, path: z.array(hex32) }),
  txIndex: count,
  merklePath: z.array(hex32),
  block: header,
  headerChain: z.array(header),
  head: z.strictObject({ number: count, hash: hex32, checkpoint: z.boolean(), signature: z.string() }),
});

/** A verification that failed because the bundle does not have the expected shape. */
export function malformedBundle(error: z.ZodError): ProofVerification {
  return {
    ok: false,
    problems: error.issues.map(
      (i) => `proof bundle is malformed at ${i.path.join('.') || '(root)'}: ${i.message}`,
    ),
  };
}
