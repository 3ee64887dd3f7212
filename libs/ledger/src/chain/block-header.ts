import { merkleRoot } from './merkle';
import { hexBytes, sha256 } from './sha256';

/**
 * A block header as stored and carried in proofs: every field stored with the block, and the hash
 * that covers them all. Hashes are lowercase hex.
 */
export interface BlockHeader {
  number: number;
  /** Hash of block `number - 1`; 32 zero bytes for the genesis block. */
  previousHash: string;
  /** RFC 6962 Merkle root over the block's transaction hashes, in transaction order. */
  merkleRoot: string;
  /** Number of transactions: the Merkle tree's size. */
  txCount: number;
  /** When the block was cut, ISO 8601 with milliseconds. */
  timestamp: string;
  /**
   * SHA-256("claimtrail-block-v2" ‖ 8-byte number ‖ previousHash ‖ merkleRoot ‖ 4-byte txCount ‖
   * 8-byte timestamp in milliseconds), integers big-endian.
   */
  hash: string;
}

/** The genesis block's previous hash: 32 zero bytes. */
export const GENESIS_PREVIOUS_HASH = '00'.repeat(32);

const DOMAIN = Buffer.from('claimtrail-block-v2', 'utf8');

/** Milliseconds of a canonical ISO 8601 instant (as `Date#toISOString` writes it); throws otherwise. */
export function instantMillis(timestamp: string, what = 'timestamp'): number {
  const millis = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(millis) || new Date(millis).toISOString() !== timestamp) {
    throw new Error(`${what} must be an ISO 8601 instant with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)`);
  }
  return millis;
}

/** Computes a block hash over every header field. */
export function computeBlockHash(header: Omit<BlockHeader, 'hash'>): string {
  const { number, previousHash, txCount, timestamp } = header;
  if (!Number.isSafeInteger(number) || number < 0)
    throw new Error('block number must be a non-negative integer');
  if (!Number.isInteger(txCount) || txCount < 0 || txCount > 0xffffffff)
    throw new Error('txCount must be a non-negative 32-bit integer');
  const fixed = Buffer.alloc(20);
  fixed.writeBigUInt64BE(BigInt(number), 0);
  fixed.writeUInt32BE(txCount, 8);
  fixed.writeBigInt64BE(BigInt(instantMillis(timestamp, 'block timestamp')), 12);
  return sha256(
    DOMAIN,
    fixed.subarray(0, 8),
    hexBytes(previousHash, 32, 'previousHash'),
    hexBytes(header.merkleRoot, 32, 'merkleRoot'),
    fixed.subarray(8),
  ).toString('hex');
}

/** True when the header's hash is the hash of its other fields. */
export function headerHashMatches(header: BlockHeader): boolean {
  try {
    return computeBlockHash(header) === header.hash;
  } catch {
    return false;
  }
}

/** Builds the header of block `number` holding transactions with `txHashes` (hex), in order. */
export function buildBlockHeader(
  number: number,
  previousHash: string,
  txHashes: readonly string[],
  timestamp: string,
): BlockHeader {
  const root = merkleRoot(txHashes.map((h) => hexBytes(h, 32, 'txHash'))).toString('hex');
  const fields = { number, previousHash, merkleRoot: root, txCount: txHashes.length, timestamp };
  return { ...fields, hash: computeBlockHash(fields) };
}
