import type { ValueTransformer } from 'typeorm';
import { phiCipher } from './phi-cipher.registry';

/**
 * Encrypts a column's value on the way to PostgreSQL and decrypts it on the way back. `column`
 * (`table.column`) is bound into every ciphertext, so it must be the column's real name.
 */
export class EncryptedColumnTransformer<T> implements ValueTransformer {
  constructor(
    readonly column: string,
    private readonly encode: (value: T) => string,
    private readonly decode: (text: string) => T,
    private readonly deflate = false,
  ) {}

  /** Entity value to stored ciphertext; null and undefined pass through untouched. */
  to(value: T | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value as null | undefined;
    return phiCipher().encrypt(this.encode(value), this.column, { deflate: this.deflate });
  }

  /** Stored ciphertext to entity value. */
  from(stored: string | null | undefined): T | null | undefined {
    return stored === null || stored === undefined
      ? stored
      : this.decode(phiCipher().decrypt(stored, this.column));
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
