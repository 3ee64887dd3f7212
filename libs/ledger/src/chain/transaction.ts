import { randomBytes } from 'node:crypto';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import type { OrgKind } from '../ledger.port';
import { signBytes, verifyBytes } from '../signing';
import { sha256 } from './sha256';

/** The organization that signed a transaction, with the key its signature verifies against. */
export interface TransactionCreator {
  orgId: string;
  kind: OrgKind;
  mspId: string;
  publicKeyPem: string;
}

/** What the creator signs: a chaincode invocation, like a Fabric proposal. */
export interface TransactionPayload {
  version: 1;
  /** SHA-256(nonce ‖ canonical creator), hex, as Fabric derives transaction ids. */
  txId: string;
  channel: string;
  chaincode: string;
  fn: string;
  args: string[];
  creator: TransactionCreator;
  /** 24 random bytes, hex. */
  nonce: string;
  /** ISO 8601 instant the creator made the proposal; chaincode reads it as the tx timestamp. */
  timestamp: string;
}

/** A payload and the creator's ECDSA P-256 / SHA-256 signature over its canonical JSON (DER, base64). */
export interface SignedTransaction {
  payload: TransactionPayload;
  signature: string;
}

/** Derives a transaction id from its nonce and creator, so ids cannot be chosen freely. */
export function deriveTxId(nonceHex: string, creator: TransactionCreator): string {
  return sha256(Buffer.from(nonceHex, 'hex'), Buffer.from(canonicalJson(creator), 'utf8')).toString('hex');
}

/** The exact bytes a creator signs. */
export function payloadSigningBytes(payload: TransactionPayload): Buffer {
  return Buffer.from(canonicalJson(payload), 'utf8');
}

/** Transaction hash, the Merkle leaf: SHA-256 over the canonical JSON of {payload, signature}, hex. */
export function computeTxHash(tx: SignedTransaction): string {
  return sha256(
    Buffer.from(canonicalJson({ payload: tx.payload, signature: tx.signature }), 'utf8'),
  ).toString('hex');
}

/** What a new transaction invokes, and who signs it. */
export interface TransactionRequest {
  channel: string;
  chaincode: string;
  fn: string;
  args: string[];
  creator: TransactionCreator;
  privateKeyPem: string;
  /** ISO 8601 instant. */
  timestamp: string;
}

/**
 * Builds and signs a transaction with a fresh random nonce, then verifies the signature so a
 * private key that does not match the creator's public key is caught before anything is written.
 */
export function createSignedTransaction(request: TransactionRequest): SignedTransaction {
  const nonce = randomBytes(24).toString('hex');
  const { channel, chaincode, fn, args, creator, timestamp } = request;
  const payload: TransactionPayload = {
    version: 1,
    txId: deriveTxId(nonce, creator),
    channel,
    chaincode,
    fn,
    args,
    creator,
    nonce,
    timestamp,
  };
  const bytes = payloadSigningBytes(payload);
  const signature = signBytes(bytes, request.privateKeyPem);
  if (!verifyBytes(bytes, signature, creator.publicKeyPem)) {
    throw new Error(`the signing key of ${creator.orgId} does not match its public key`);
  }
  return { payload, signature };
}
