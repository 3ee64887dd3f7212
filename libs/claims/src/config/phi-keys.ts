/** One key of the PHI keyring: its id (written into every value it encrypts) and 32 key bytes. */
export interface PhiKey {
  readonly kid: string;
  readonly key: Buffer;
}

/** The keyring used when PHI_KEYS is unset outside production; public, so never for real data. */
export const DEV_PHI_KEYS = 'dev:Fk9ZCYrLCc8uOmoSs004YjeS+QyDO/vADSCU9M2ztqo=';

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/**
 * Parses `kid:base64-key,kid:base64-key,…` (the first key encrypts, every key decrypts).
 * Problems name the entry and its key id, never the key material.
 */
export function parsePhiKeys(text: string): { keys: PhiKey[]; problems: string[] } {
  const keys: PhiKey[] = [];
  const problems: string[] = [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) problems.push('must list at least one kid:base64-key');
  entries.forEach((entry, i) => {
    const at = `entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`${at} must look like kid:base64-key`);
      return;
    }
    const kid = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KID.test(kid)) {
      problems.push(`${at} has a key id that is not 1-32 letters, digits, - or _`);
      return;
    }
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (key?.length !== 32) {
      problems.push(
        `${at} (key id "${kid}") must hold base64 of exactly 32 bytes` +
          `${key ? ` (it decodes to ${key.length})` : ''}; make one with: openssl rand -base64 32`,
      );
      return;
    }
    if (keys.some((k) => k.kid === kid)) {
      problems.push(`${at} repeats key id "${kid}"; key ids must be unique`);
      return;
    }
    keys.push({ kid, key });
  });
  return { keys, problems };
}
