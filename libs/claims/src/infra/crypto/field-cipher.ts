import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PhiKey } from '../../config/phi-keys';

/** Values bound to their column and their row's primary key. */
const VERSION = 'v2';
/** Values bound to their column only, as stored before; read by the migration and rotation that rebind them. */
const UNBOUND = 'v1';
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
  Unbound = 'unbound',
}

/** A stored value that cannot be decrypted; the message names the column and row key, never the value. */
export class FieldCipherError extends Error {
  constructor(
    readonly code: FieldCipherErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FieldCipherError';
  }
}

/** Where a value lives: its column (`table.column`) and its row's primary key. */
export interface CipherBinding {
  column: string;
  /** The row's primary key values, in the table's key order (see {@link rowKey}). */
  row: string;
}

/** A row's primary key as bound into its values: each part as PostgreSQL prints it as text. */
export function rowKey(values: readonly unknown[]): string {
  return JSON.stringify(values.map((v) => String(v)));
}

/**
 * AES-256-GCM for single column values, stored as `v2.<kid>.<iv>.<ciphertext>.<tag>` (base64url
 * parts). The `v2.<kid>` header, the column name and the row's primary key are authenticated
 * data, so a value copied into another column or another row, or relabelled with another key id,
 * fails to decrypt. Large documents may be deflated before encryption (a leading NUL byte in the
 * plaintext says so); decryption inflates them whatever the caller asked for when they were written.
 * Values of the older `v1` format (bound to their column only) are read only to rebind them.
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
   * Encrypts one value of a column (e.g. `members.full_name`) in one row under the active key;
   * `deflate` compresses it first (worth it for documents of a few kilobytes, not for names).
   */
  encrypt(plaintext: string, at: CipherBinding, opts: { deflate?: boolean } = {}): string {
    return this.seal(VERSION, pack(plaintext, opts), at);
  }

  /** Decrypts a value of a column in one row; throws FieldCipherError if it is malformed, foreign or altered. */
  decrypt(stored: string, at: CipherBinding): string {
    if (stored.startsWith(`${UNBOUND}.`)) {
      throw new FieldCipherError(
        FieldCipherErrorCode.Unbound,
        `cannot decrypt ${describe(at)}: the value predates row binding; run \`claimtrail migrate\` or \`claimtrail keys rotate-phi\``,
      );
    }
    return unpack(this.open(VERSION, stored, at), at);
  }

  /**
   * The same value under the active key and bound to its row, deflated or not as it was (key
   * rotation; also rebinds a `v1` value, which is checked against its column first).
   */
  reencrypt(stored: string, at: CipherBinding): string {
    const version = stored.startsWith(`${UNBOUND}.`) ? UNBOUND : VERSION;
    return this.seal(VERSION, this.open(version, stored, at), at);
  }

  /** A value bound to its column only (`v1`); for migrations that must write the old format. */
  encryptUnbound(plaintext: string, column: string, opts: { deflate?: boolean } = {}): string {
    return this.seal(UNBOUND, pack(plaintext, opts), { column, row: '' });
  }

  /** Decrypts a `v1` value; for migrations that read the old format. */
  decryptUnbound(stored: string, column: string): string {
    const at = { column, row: '' };
    return unpack(this.open(UNBOUND, stored, at), at);
  }

  /** A `v2` value turned back into `v1` under the active key (undoing the row-binding migration). */
  unbind(stored: string, at: CipherBinding): string {
    return this.seal(UNBOUND, this.open(VERSION, stored, at), { column: at.column, row: '' });
  }

  private seal(version: string, plaintext: Buffer, at: CipherBinding): string {
    if (version === VERSION && !at.row)
      throw new Error(`${at.column} cannot be encrypted without its row's key`);
    const header = `${version}.${this.activeKid}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKid)!, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(aad(header, at));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [header, b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
  }

  private open(expected: string, stored: string, at: CipherBinding): Buffer {
    const parts = stored.split('.');
    const [version, kid] = parts;
    const [iv, body, tag] = parts.slice(2).map(decode);
    if (parts.length !== 5 || version !== expected || !iv || !body || !tag) {
      throw new FieldCipherError(
        FieldCipherErrorCode.Malformed,
        `cannot decrypt ${describe(at)}: the stored value is not a ${expected} ciphertext`,
      );
    }
    const key = this.keys.get(kid);
    if (!key) {
      throw new FieldCipherError(
        FieldCipherErrorCode.UnknownKey,
        `cannot decrypt ${describe(at)}: key id "${kid}" is not in PHI_KEYS (it holds ${[...this.keys.keys()].join(', ')})`,
      );
    }
    try {
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad lengths');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(`${version}.${kid}`, at));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new FieldCipherError(
        FieldCipherErrorCode.Unauthentic,
        `cannot decrypt ${describe(at)}: authentication failed (the value was altered, moved from another column or row, or key "${kid}" changed)`,
      );
    }
  }

  /** Key id a stored value was encrypted under, without decrypting it. */
  static kidOf(stored: string): string | undefined {
    const [version, kid] = stored.split('.', 2);
    return version === VERSION || version === UNBOUND ? kid : undefined;
  }

  /** Prefix shared by every current value encrypted under `kid`; lets SQL find values still to rewrite. */
  static prefixFor(kid: string): string {
    return `${VERSION}.${kid}.`;
  }

  /** Prefix shared by every value in the current (row-bound) format. */
  static readonly currentPrefix = `${VERSION}.`;
}

function pack(plaintext: string, opts: { deflate?: boolean }): Buffer {
  const text = Buffer.from(plaintext, 'utf8');
  return opts.deflate || text[0] === DEFLATED
    ? Buffer.concat([Buffer.of(DEFLATED), deflateRawSync(text, { level: constants.Z_BEST_SPEED })])
    : text;
}

function unpack(bytes: Buffer, at: CipherBinding): string {
  if (bytes[0] !== DEFLATED) return bytes.toString('utf8');
  try {
    return inflateRawSync(bytes.subarray(1)).toString('utf8');
  } catch {
    throw new FieldCipherError(
      FieldCipherErrorCode.Malformed,
      `cannot decrypt ${describe(at)}: the deflated value does not inflate`,
    );
  }
}

// Primary keys here are random ids and revision numbers, never PHI, so naming them helps an operator.
const describe = (at: CipherBinding) => (at.row ? `${at.column} of row ${at.row}` : at.column);

const b64 = (bytes: Buffer) => bytes.toString('base64url');

// Node decodes base64 leniently; insisting on the canonical spelling makes every altered character count.
const decode = (part: string): Buffer | undefined => {
  const bytes = Buffer.from(part, 'base64url');
  return b64(bytes) === part ? bytes : undefined;
};

// NUL separators keep header, column and row apart: none of them contains one. A v1 value has no
// row part, so its associated data is exactly what it was before rows were bound.
const aad = (header: string, at: CipherBinding) =>
  Buffer.from(
    header.startsWith(`${UNBOUND}.`) ? `${header}\0${at.column}` : `${header}\0${at.column}\0${at.row}`,
    'utf8',
  );
