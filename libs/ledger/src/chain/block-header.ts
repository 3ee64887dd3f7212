import { merkleRoot } from './merkle';
import { hexBytes, sha256 } from './sha256';

/**
 * A block header as carried in proofs: exactly the fields its hash covers, and the hash.
 * Hashes are lowercase hex.
 */
export interface BlockHeader {
  number: number;
  /** Hash of block `number - 1`; 32 zero bytes for the genesis block. */
  previousHash: string;
  /** RFC 6962 Merkle root over the block's transaction hashes, in transaction order. */
  merkleRoot: string;
  /** SHA-256(8-byte big-endian number ‖ previousHash ‖ merkleRoot). */
  hash: string;
}

/** The genesis block's previous hash: 32 zero bytes. */
export const GENESIS_PREVIOUS_HASH = '00'.repeat(32);

/** Computes a block hash per the DESIGN formula: SHA-256(number ‖ previousHash ‖ merkleRoot). */
export function computeBlockHash(number: number, previousHash: string, merkleRoot: string): string {
  if (!Number.isSafeInteger(number) || number < 0)
    throw new Error('block number must be a non-negative integer');
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(BigInt(number));
  return sha256(
    n,
    hexBytes(previousHash, 32, 'previousHash'),
    hexBytes(merkleRoot, 32, 'merkleRoot'),
  ).toString('hex');
}

/** True when the header's hash is the hash of its own number, previous hash and Merkle root. */
export function headerHashMatches(header: BlockHeader): boolean {
  try {
    return computeBlockHash(header.number, header.previousHash, header.merkleRoot) === header.hash;
  } catch {
    return false;
  }
}

/** Builds the header of block `number` holding transactions with `txHashes` (hex), in order. */
export function buildBlockHeader(
  number: number,
  previousHash: string,
  txHashes: readonly string[],
): BlockHeader {
  const root = merkleRoot(txHashes.map((h) => hexBytes(h, 32, 'txHash'))).toString('hex');
  return {
    number,
    previousHash,
    merkleRoot: root,
    hash: computeBlockHash(number, previousHash, root),
  };
}
