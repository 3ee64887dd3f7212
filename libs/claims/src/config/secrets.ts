/**
 * The environment variable that lets unset secrets fall back to their public development values.
 * Nothing else does: without it a missing or weak secret stops start-up.
 */
export const DEV_SECRETS_SWITCH = 'CLAIMTRAIL_DEV_SECRETS';

/** MEMBER_REF_SECRET's public development value; accepted only with the switch on. */
export const DEV_MEMBER_REF_SECRET = 'dev-only-member-ref-secret-change-me';

/** What a production secret must be, as start-up reports it. */
export const SECRET_RULE = 'base64 of at least 32 random bytes, e.g. from: openssl rand -base64 32';

const MIN_BYTES = 32;
// 32 random bytes almost never hold fewer than 20 distinct values (the chance is below 1e-9); a
// repeated pattern does.
const MIN_DISTINCT = 20;
const HEX = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
// Base64 of 32 random bytes lacks upper or lower case letters with a chance below 1e-9; words,
// slugs and passphrases (which also "decode") usually lack one of them.
const MIXED_CASE = /^(?=.*[a-z])(?=.*[A-Z])/;

/**
 * Why `secret` is not fit to key production HMACs, or undefined if it is: it must be base64 (or
 * base64url, or hex) of at least 32 bytes that look random, and not the development value. The
 * check catches words, slugs and patterns; it cannot prove randomness. Never repeats the secret.
 */
export function secretProblem(secret: string): string | undefined {
  if (secret === DEV_MEMBER_REF_SECRET) return `is the public development value; must be ${SECRET_RULE}`;
  const hex = HEX.test(secret) && secret.length % 2 === 0;
  const bytes = hex
    ? Buffer.from(secret, 'hex')
    : BASE64.test(secret)
      ? Buffer.from(secret, 'base64')
      : undefined;
  if (!bytes) return `must be ${SECRET_RULE} (it is not base64)`;
  if (bytes.length < MIN_BYTES) return `must be ${SECRET_RULE} (it decodes to ${bytes.length})`;
  if ((!hex && !MIXED_CASE.test(secret)) || new Set(bytes).size < MIN_DISTINCT) {
    return `must be ${SECRET_RULE} (it looks like words or a pattern, not random bytes)`;
  }
  return undefined;
}

/** `a`, `a and b`, `a, b and c`. */
const listed = (names: readonly string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** The warning a process prints once when it runs on development secrets. */
export function devSecretsWarning(names: readonly string[]): string {
  return (
    `claimtrail: WARNING: ${DEV_SECRETS_SWITCH}=1: ${listed(names)} ` +
    `${names.length === 1 ? 'is' : 'are'} the public development value${names.length === 1 ? '' : 's'}; ` +
    'anyone can read or link the PHI this process stores. Never use them for real data.'
  );
}
