import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A freshly issued API key: the full token is shown once; only prefix and hash are kept. */
export interface IssuedKey {
  token: string;
  prefix: string;
  secretHash: string;
}

const TOKEN = /^ct_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Issues a key `ct_<prefix>_<secret>`: the prefix finds the row, the 256-bit secret proves possession. */
export function issueApiKey(): IssuedKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `ct_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** Splits a presented token; null when it is not shaped like one of ours. */
export function parseApiKey(token: string): { prefix: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { prefix: m[1], secret: m[2] } : null;
}

// The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a presented secret against the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
