import { createPrivateKey } from 'node:crypto';

/**
 * The embedded ledger's public development head key: anyone can sign heads with it, so a
 * production configuration refuses it.
 */
export const DEV_LEDGER_HEAD_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZcMdh6Xa5Df+DSa2
HL9bqTnxZlOi6bpnOeKFeJGQQAWhRANCAATUbIz9JWhXEz/uFyIjABEUeYd0tHJM
zHgKRfsMwI2VQ/7n+J5b4vVxb7bKOfLqoUyhoIoYtp1tG98nTpOV/sgU
-----END PRIVATE KEY-----`;

/**
 * Parses LEDGER_HEAD_KEY: a PKCS#8 PEM ECDSA P-256 private key, its line breaks written as real
 * newlines or as `\n`. Returns the PEM, or the problems found.
 */
export function parseLedgerHeadKey(text: string): { pem?: string; problems: string[] } {
  const pem = text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
      return { problems: ['must be an ECDSA P-256 private key'] };
    return { pem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), problems: [] };
  } catch {
    return { problems: ['must be a PKCS#8 PEM private key (ECDSA P-256)'] };
  }
}
