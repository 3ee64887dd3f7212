import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks an `Authorization` header against OPS_TOKEN, the bearer token of the operational
 * endpoints (readiness, metrics); with no OPS_TOKEN configured nothing matches.
 */
export function opsTokenMatcher(
  opsToken: string | undefined,
): (authorization: string | undefined) => boolean {
  const expected = opsToken ? digest(opsToken) : null;
  return (authorization) => {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    // Digests of equal length, so the comparison takes the same time whatever was sent.
    return expected !== null && token !== '' && timingSafeEqual(digest(token), expected);
  };
}
