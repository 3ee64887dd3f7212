import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PhiKey } from '../../config/phi-keys';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * First plaintext byte of a value stored deflated. No text the platform encrypts starts with NUL
 * (free text refuses control characters); one that did would be stored deflated as well, so the
 * marker is never ambiguous.
 */
const DEFLATED = 0x00;

/** Why a stored value could not be decrypted. */
export enum FieldCipherErrorCode {
  Malformed = 'malformed',
  UnknownKey = 'unknown_key',
  Unauthentic = 'unauthentic',
}

/** A stored value that cannot be decrypted; the message names the column, never the value. */
export class FieldCipherError extends Error {
  constructor(
    readonly code: FieldCipherErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FieldCipherError';
  }
}

/**
 * AES-256-GCM for single column values, stored as `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url
 * parts). The column name and the `v1.<kid>` header are authenticated data, so a value copied
 * into another column, or relabelled with another key id, fails to decrypt. Large documents may
 * be deflated before encryption (a leading NUL byte in the plaintext says so); decryption
 * inflates them whatever the caller asked for when they were written.
 */
export class FieldCipher {
  /** Id of the key new values are encrypted under. */
  readonly activeKid: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  /** The first key encrypts; every key decrypts, which is what lets keys rotate. */
  constructor(keyring: readonly PhiKey[]) {
    if (keyring.length === 0) throw new Error('the PHI keyring is empty');
    for (const k of keyring) {
      if (k.key.length !== 32) throw new Error(`PHI key "${k.kid}" is not 32 bytes`);
    }
    this.activeKid = keyring[0].kid;
    this.keys = new Map(keyring.map((k) => [k.kid, k.key]));
  }

  /**
   * Encrypts one value of `column` (e.g. `members.full_name`) under the active key; `deflate`
   * compresses it first (worth it for documents of a few kilobytes, not for names).
   */
  encrypt(plaintext: string, column: string, opts: { deflate?: boolean } = {}): string {
    const text = Buffer.from(plaintext, 'utf8');
    return this.seal(
      opts.deflate || text[0] === DEFLATED
        ? Buffer.concat([Buffer.of(DEFLATED), deflateRawSync(text, { level: constants.Z_BEST_SPEED })])
        : text,
      column,
    );
  }

  /** Decrypts a value of `column`; throws FieldCipherError if it is malformed, foreign or altered. */
  decrypt(stored: string, column: string): string {
    const bytes = this.open(stored, column);
    if (bytes[0] !== DEFLATED) return bytes.toString('utf8');
    try {
      return inflateRawSync(bytes.subarray(1)).toString('utf8');
    } catch {
      throw new FieldCipherError(
        FieldCipherErrorCode.Malformed,
        `cannot decrypt ${column}: the deflated value does not inflate`,
      );
    }
  }

  /** The same value under the active key, deflated or not as it was (key rotation). */
  reencrypt(stored: string, column: string): string {
    return this.seal(this.open(stored, column), column);
  }

  private seal(plaintext: Buffer, column: string): string {
    const header = `${VERSION}.${this.activeKid}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKid)!, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(aad(header, column));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [header, b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
  }

  private open(stored: string, column: string): Buffer {
    const parts = stored.split('.');
    const [version, kid] = parts;
    const [iv, body, tag] = parts.slice(2).map(decode);
    if (parts.length !== 5 || version !== VERSION || !iv || !body || !tag) {
      throw new FieldCipherError(
        FieldCipherErrorCode.Malformed,
        `cannot decrypt ${column}: the stored value is not a ${VERSION} ciphertext`,
      );
    }
    const key = this.keys.get(kid);
    if (!key) {
      throw new FieldCipherError(
        FieldCipherErrorCode.UnknownKey,
        `cannot decrypt ${column}: key id "${kid}" is not in PHI_KEYS (it holds ${[...this.keys.keys()].join(', ')})`,
      );
    }
    try {
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad lengths');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(`${version}.${kid}`, column));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new FieldCipherError(
        FieldCipherErrorCode.Unauthentic,
        `cannot decrypt ${column}: authentication failed (the value was altered, moved from another column, or key "${kid}" changed)`,
      );
    }
  }

  /** Key id a stored value was encrypted under, without decrypting it. */
  static kidOf(stored: string): string | undefined {
    const [version, kid] = stored.split('.', 2);
    return version === VERSION ? kid : undefined;
  }

  /** Prefix shared by every value encrypted under `kid`; lets SQL find values still under older keys. */
  static prefixFor(kid: string): string {
    return `${VERSION}.${kid}.`;
  }
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

// Node decodes base64 leniently; insisting on the canonical spelling makes every altered character count.
const decode = (part: string): Buffer | undefined => {
  const bytes = Buffer.from(part, 'base64url');
  return b64(bytes) === part ? bytes : undefined;
};

// The NUL separator keeps header and column apart: no column name or kid contains one.
const aad = (header: string, column: string) => Buffer.from(`${header}\0${column}`, 'utf8');
