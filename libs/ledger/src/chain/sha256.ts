import { createHash } from 'node:crypto';

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Decodes a hex string that must hold exactly `bytes` bytes; throws otherwise. */
export function hexBytes(hex: string, bytes: number, what: string): Buffer {
  if (typeof hex !== 'string' || hex.length !== bytes * 2 || !/^[0-9a-f]*$/.test(hex)) {
    throw new Error(`${what} must be ${bytes} bytes of lowercase hex`);
  }
  return Buffer.from(hex, 'hex');
}

/** A hash or id shortened for a message: its first 16 characters and an ellipsis. */
export function shortHash(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}
