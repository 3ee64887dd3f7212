import { createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Pseudonymous member reference for the ledger: a keyed HMAC, so nobody without the secret
 * can test a guessed member number against it (a plain hash of a short number can be brute-forced).
 */
export function memberRef(secret: string, payerId: string, memberNumber: string): string {
  return createHmac('sha256', secret).update(`${payerId}:${memberNumber}`, 'utf8').digest('hex');
}

/** Salted commitment to the full claim payload: HMAC-SHA256 keyed by the claim's random salt. */
export function claimCommitment(saltHex: string, payload: unknown): string {
  return createHmac('sha256', Buffer.from(saltHex, 'hex'))
    .update(canonicalize(payload) as string, 'utf8')
    .digest('hex');
}

/** Checks that `payload` is the one committed to, in constant time. */
export function verifyClaimCommitment(saltHex: string, payload: unknown, commitment: string): boolean {
  const expected = Buffer.from(claimCommitment(saltHex, payload), 'hex');
  const given = Buffer.from(commitment, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
