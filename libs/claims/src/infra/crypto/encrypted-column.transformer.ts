import type { ValueTransformer } from 'typeorm';
import { rowKey } from './field-cipher';
import { phiCipher } from './phi-cipher.registry';

/** A value sealed for its row, on its way to PostgreSQL (set by the encrypted-columns subscriber). */
export class SealedValue {
  constructor(readonly stored: string) {}
}

/**
 * A value as PostgreSQL holds it, not yet opened: the encrypted-columns subscriber replaces it
 * with the plaintext once the row's primary key is known. Whoever sees one was given an entity
 * read past the subscriber; it holds no plaintext.
 */
export class StoredCiphertext {
  constructor(readonly stored: string) {}
  toJSON(): string {
    return '[encrypted]';
  }
}

/**
 * The column side of an encrypted column: how its values are encoded and which AAD name
 * (`table.column`) they carry. TypeORM's transformers do not see the row, so encryption and
 * decryption happen in the encrypted-columns subscriber (which does) through {@link seal} and
 * {@link open}; this transformer only passes sealed values through, and refuses a plaintext that
 * reached it without its row's key rather than store it unbound.
 */
export class EncryptedColumnTransformer<T> implements ValueTransformer {
  constructor(
    readonly column: string,
    private readonly encode: (value: T) => string,
    private readonly decode: (text: string) => T,
    private readonly deflate = false,
  ) {}

  /** Sealed value to stored ciphertext; null and undefined pass through untouched. */
  to(value: T | SealedValue | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value as null | undefined;
    if (value instanceof SealedValue) return value.stored;
    throw new Error(
      `${this.column} reached the database without its row's primary key: write it through an ` +
        'entity insert (the encrypted-columns subscriber seals it) or seal it with the row key',
    );
  }

  /** Stored ciphertext, left for the subscriber to open with the row's key. */
  from(stored: string | null | undefined): StoredCiphertext | null | undefined {
    return stored === null || stored === undefined ? stored : new StoredCiphertext(stored);
  }

  /** Encrypts `value` for the row whose primary key values are `key` (in the table's key order). */
  seal(value: T, key: readonly unknown[]): SealedValue {
    return new SealedValue(
      phiCipher().encrypt(
        this.encode(value),
        { column: this.column, row: rowKey(key) },
        { deflate: this.deflate },
      ),
    );
  }

  /** Decrypts a stored value of the row whose primary key values are `key`. */
  open(stored: string, key: readonly unknown[]): T {
    return this.decode(phiCipher().decrypt(stored, { column: this.column, row: rowKey(key) }));
  }
}

/** Transformer of an encrypted `text` column holding a string. */
export const encryptedText = (column: string): EncryptedColumnTransformer<string> =>
  new EncryptedColumnTransformer<string>(
    column,
    (v) => v,
    (t) => t,
  );

/** Transformer of an encrypted `text` column holding a JSON document, deflated first when `deflate`. */
export const encryptedJson = <T>(
  column: string,
  opts: { deflate?: boolean } = {},
): EncryptedColumnTransformer<T> =>
  new EncryptedColumnTransformer<T>(
    column,
    (v) => JSON.stringify(v),
    (t) => JSON.parse(t) as T,
    opts.deflate ?? false,
  );
