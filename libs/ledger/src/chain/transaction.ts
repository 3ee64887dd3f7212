import { createHmac, randomBytes } from 'node:crypto';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import { signBytes, verifyBytes } from '../signing';
import { merkleAuditPath, merkleRoot } from './merkle';
import { sha256 } from './sha256';

/** Organization kinds that may sign ledger transactions. */
export type OrgKind = 'payer' | 'provider' | 'funder' | 'operator';

/** The organization that signed a transaction, with the key its signature verifies against. */
export interface TransactionCreator {
  orgId: string;
  kind: OrgKind;
  mspId: string;
  publicKeyPem: string;
}

/**
 * Version of the transaction format: 2 bound the execution's response (write set included); 3 signs
 * a Merkle root over salted per-write leaves, so one write can be shown without the others.
 */
export const TRANSACTION_VERSION = 3;

/** What the creator proposes: a chaincode invocation, like a Fabric proposal. */
export interface TransactionPayload {
  version: typeof TRANSACTION_VERSION;
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

/**
 * One entry of a write set: a world-state key (its UTF-8 bytes in hex, since composite keys hold
 * U+0000) and the SHA-256 of the value written, or null for a delete. Like a Fabric read-write set,
 * it says exactly what the transaction did to world state.
 */
export interface WriteSetEntry {
  key: string;
  valueHash: string | null;
}

/** What executing the proposal produced, as the exact texts stored and hashed: Fabric's proposal response. */
export interface TransactionResponse {
  /** The chaincode's answer, as it returned it. */
  result: string;
  /** The events emitted, as canonical JSON (`[{name, payload}]`). */
  events: string;
  /** In key byte order. */
  writes: WriteSetEntry[];
}

/**
 * The response as the ledger keeps it: the result and events by their digests, the write set in
 * full, and the secret salt its leaves are salted from (never shown in a proof).
 */
export interface ResponseDigest {
  resultHash: string;
  eventsHash: string;
  writes: WriteSetEntry[];
  /** 32 random bytes, hex: each write's leaf salt is HMAC-SHA256(writeSalt, key). */
  writeSalt: string;
}

/**
 * A proposal, the response it produced, and the creator's ECDSA P-256 / SHA-256 signature (DER,
 * base64) over both: the creator vouches for what its invocation did, not only for asking.
 */
export interface SignedTransaction {
  payload: TransactionPayload;
  response: ResponseDigest;
  signature: string;
}

/**
 * Exactly what a signature covers, every bulky part by its SHA-256: the proposal with its
 * arguments' digest, and the response's digests. A verifier hashes stored texts and never has to
 * parse them.
 */
export interface SignedContent {
  proposal: Omit<TransactionPayload, 'args'> & { argsHash: string };
  response: SignedResponse;
}

/**
 * The response's digests as signed: the write set as an RFC 6962 Merkle root over salted leaves,
 * one per write in write-set order, and their count (the tree's size).
 */
export interface SignedResponse {
  resultHash: string;
  eventsHash: string;
  writesRoot: string;
  writeCount: number;
}

/** A write's leaf salt: HMAC-SHA256(the transaction's write salt, the write's key), hex. */
export function writeLeafSalt(writeSaltHex: string, entry: WriteSetEntry): string {
  return createHmac('sha256', Buffer.from(writeSaltHex, 'hex')).update(entry.key, 'utf8').digest('hex');
}

/** A write's Merkle leaf data: the canonical JSON of its key, value hash and leaf salt. */
export function writeLeaf(entry: WriteSetEntry, leafSaltHex: string): Buffer {
  return Buffer.from(
    canonicalJson({ key: entry.key, salt: leafSaltHex, valueHash: entry.valueHash }),
    'utf8',
  );
}

/** The Merkle root a transaction signs over its write set, hex. */
export function writesRoot(writes: readonly WriteSetEntry[], writeSaltHex: string): string {
  return merkleRoot(saltedLeaves(writes, writeSaltHex).leaves).toString('hex');
}

// Each write's leaf salt and Merkle leaf, in write-set order.
function saltedLeaves(writes: readonly WriteSetEntry[], writeSaltHex: string) {
  const salts = writes.map((w) => writeLeafSalt(writeSaltHex, w));
  return { salts, leaves: writes.map((w, i) => writeLeaf(w, salts[i])) };
}

/** What a proof shows of one write: its position, its leaf salt and its Merkle audit path. */
export interface WriteInclusion {
  index: number;
  salt: string;
  path: string[];
}

/** The inclusion of the write at `index` in a transaction's write set. */
export function writeInclusion(
  writes: readonly WriteSetEntry[],
  writeSaltHex: string,
  index: number,
): WriteInclusion {
  const { salts, leaves } = saltedLeaves(writes, writeSaltHex);
  return { index, salt: salts[index], path: merkleAuditPath(leaves, index).map((h) => h.toString('hex')) };
}

/** SHA-256 of a text's UTF-8 bytes, hex. */
export function textHash(text: string): string {
  return sha256(Buffer.from(text, 'utf8')).toString('hex');
}

/** The stored and hashed form of a proposal's arguments. */
export function argsText(args: readonly string[]): string {
  return canonicalJson(args);
}

/** The stored and hashed form of a write set. */
export function writesText(writes: readonly WriteSetEntry[]): string {
  return canonicalJson(writes);
}

/** The stored and hashed form of a transaction's events. */
export function eventsText(events: readonly { name: string; payload: unknown }[]): string {
  return canonicalJson(events);
}

/** Derives a transaction id from its nonce and creator, so ids cannot be chosen freely. */
export function deriveTxId(nonceHex: string, creator: TransactionCreator): string {
  return sha256(Buffer.from(nonceHex, 'hex'), Buffer.from(canonicalJson(creator), 'utf8')).toString('hex');
}

/** The digest form of a response, its write set salted with `writeSalt` (hex). */
export function digestResponse(response: TransactionResponse, writeSalt: string): ResponseDigest {
  return {
    resultHash: textHash(response.result),
    eventsHash: textHash(response.events),
    writes: response.writes,
    writeSalt,
  };
}

/** What the signature of a transaction in full covers. */
export function contentOf(tx: Pick<SignedTransaction, 'payload' | 'response'>): SignedContent {
  const { args, ...proposal } = tx.payload;
  const { resultHash, eventsHash, writes, writeSalt } = tx.response;
  return {
    proposal: { ...proposal, argsHash: textHash(argsText(args)) },
    response: {
      resultHash,
      eventsHash,
      writesRoot: writesRoot(writes, writeSalt),
      writeCount: writes.length,
    },
  };
}

/** The exact bytes a creator signs. */
export function signingBytes(content: SignedContent): Buffer {
  return Buffer.from(canonicalJson(content), 'utf8');
}

/** Transaction hash, the Merkle leaf: SHA-256(SHA-256(signed bytes) ‖ DER signature), hex. */
export function txHashOf(bytes: Uint8Array, signature: string): string {
  return sha256(sha256(bytes), Buffer.from(signature, 'base64')).toString('hex');
}

/**
 * Verifies a signature over `content` (with the creator's key it names, unless a trusted key is given)
 * and returns the transaction's hash; null when it does not verify.
 */
export function verifiedTxHash(
  content: SignedContent,
  signature: string,
  publicKeyPem: string = content.proposal.creator.publicKeyPem,
): string | null {
  const bytes = signingBytes(content);
  return verifyBytes(bytes, signature, publicKeyPem) ? txHashOf(bytes, signature) : null;
}

/** A transaction's hash (see txHashOf). */
export function computeTxHash(tx: SignedTransaction): string {
  return txHashOf(signingBytes(contentOf(tx)), tx.signature);
}

/** True when the signature verifies over the payload and response with the creator's public key. */
export function transactionSignatureValid(tx: SignedTransaction): boolean {
  return verifiedTxHash(contentOf(tx), tx.signature) !== null;
}

/** The write-set entry of a state write, as the response records it. */
export function writeSetEntry(key: string, value: Uint8Array | null): WriteSetEntry {
  return {
    key: Buffer.from(key, 'utf8').toString('hex'),
    valueHash: value === null ? null : sha256(value).toString('hex'),
  };
}

/** The hash a write set names for `value`. */
export function valueHash(value: Uint8Array): string {
  return sha256(value).toString('hex');
}

/** A world-state key from its write-set form. */
export function keyOfEntry(entry: WriteSetEntry): string {
  return Buffer.from(entry.key, 'hex').toString('utf8');
}

/** What a new transaction invokes, and who proposes it. */
export interface ProposalRequest {
  channel: string;
  chaincode: string;
  fn: string;
  args: string[];
  creator: TransactionCreator;
  /** ISO 8601 instant. */
  timestamp: string;
}

/** Builds a proposal with a fresh random nonce. */
export function createProposal(request: ProposalRequest): TransactionPayload {
  const nonce = randomBytes(24).toString('hex');
  const { channel, chaincode, fn, args, creator, timestamp } = request;
  return {
    version: TRANSACTION_VERSION,
    txId: deriveTxId(nonce, creator),
    channel,
    chaincode,
    fn,
    args,
    creator,
    nonce,
    timestamp,
  };
}

/** A signed transaction with its hash. */
export interface Signed {
  tx: SignedTransaction;
  txHash: string;
}

/**
 * Signs a proposal together with the response executing it produced, then verifies the signature,
 * so a private key that does not match the creator's public key is caught before anything is written.
 */
export function signTransaction(
  payload: TransactionPayload,
  response: TransactionResponse,
  privateKeyPem: string,
  writeSalt: string = randomBytes(32).toString('hex'),
): Signed {
  const digest = digestResponse(response, writeSalt);
  const bytes = signingBytes(contentOf({ payload, response: digest }));
  const signature = signBytes(bytes, privateKeyPem);
  if (!verifyBytes(bytes, signature, payload.creator.publicKeyPem)) {
    throw new Error(`the signing key of ${payload.creator.orgId} does not match its public key`);
  }
  return { tx: { payload, response: digest, signature }, txHash: txHashOf(bytes, signature) };
}
