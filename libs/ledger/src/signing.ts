import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** A PEM-encoded ECDSA P-256 key pair (SPKI public key, PKCS#8 private key). */
export interface SigningKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Generates an organization's ledger signing key pair: ECDSA on P-256. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Signs `data` with ECDSA P-256 over SHA-256; returns the DER signature in base64. */
export function signBytes(data: Uint8Array, privateKeyPem: string): string {
  return sign('sha256', data, privateKeyPem).toString('base64');
}

// Organizations are few and sign many transactions: their keys are parsed once.
const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 10_000;

function publicKey(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
    publicKeys.set(pem, key);
  }
  return key;
}

/** True when `signatureB64` is a valid ECDSA P-256 / SHA-256 signature of `data`; never throws. */
export function verifyBytes(data: Uint8Array, signatureB64: string, publicKeyPem: string): boolean {
  try {
    const key = publicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
    const signature = Buffer.from(signatureB64, 'base64');
    // Buffer.from ignores stray characters; only the canonical encoding of the bytes is accepted.
    if (signature.toString('base64') !== signatureB64) return false;
    return verify('sha256', data, key, signature);
  } catch {
    return false;
  }
}
