import { ChaincodeError } from './chaincode.error';

// Control characters have no business in ledger records and U+0000 would break composite keys.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f\u{10ffff}]+$/u;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Reads typed fields from an untrusted JSON object, throwing INVALID_FIELD with the field's path. */
export class FieldReader {
  private constructor(
    private readonly value: Record<string, unknown>,
    private readonly path: string,
  ) {}

  /** Wraps `value`, which must be a plain object holding exactly the `allowed` keys (no others). */
  static object(value: unknown, path: string, allowed: readonly string[]): FieldReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ChaincodeError('INVALID_FIELD', 'must be an object', path);
    }
    const allowedSet = new Set(allowed);
    for (const key of Object.keys(value).sort()) {
      if (!allowedSet.has(key))
        throw new ChaincodeError('INVALID_FIELD', 'is not a known field', `${path}.${key}`);
    }
    return new FieldReader(value as Record<string, unknown>, path);
  }

  /** Path of a field of this object, as used in error messages. */
  at(name: string): string {
    return `${this.path}.${name}`;
  }

  /** The raw value of a field, which must be present. */
  raw(name: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.value, name) || this.value[name] === undefined) {
      throw new ChaincodeError('INVALID_FIELD', 'is required', this.at(name));
    }
    return this.value[name];
  }

  /** A printable string of at most `maxLength` characters, optionally matching `pattern`. */
  string(name: string, maxLength: number, pattern?: RegExp, describe = 'a printable string'): string {
    return checkString(this.raw(name), this.at(name), maxLength, pattern, describe);
  }

  /** A safe integer no smaller than `min`. */
  integer(name: string, min: number): number {
    const v = this.raw(name);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new ChaincodeError('INVALID_FIELD', `must be an integer >= ${min}`, this.at(name));
    }
    return v;
  }

  /** One of a fixed set of string values. */
  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.raw(name);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new ChaincodeError('INVALID_FIELD', `must be one of ${values.join(', ')}`, this.at(name));
    }
    return v as T;
  }

  /** An ISO 8601 instant with a time zone, e.g. 2025-01-31T10:00:00.000Z. */
  instant(name: string): string {
    const v = this.string(name, 40, ISO_INSTANT, 'an ISO 8601 date-time with a time zone');
    if (Number.isNaN(Date.parse(v)))
      throw new ChaincodeError('INVALID_FIELD', 'is not a real date-time', this.at(name));
    return v;
  }

  /** Whether an optional field is present (undefined counts as absent). */
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, name) && this.value[name] !== undefined;
  }

  /** A calendar date, YYYY-MM-DD, that exists. */
  date(name: string): string {
    const v = this.string(name, 10, ISO_DATE, 'a date (YYYY-MM-DD)');
    const parsed = new Date(`${v}T00:00:00.000Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== v)
      throw new ChaincodeError('INVALID_FIELD', 'is not a real date', this.at(name));
    return v;
  }

  /** An array of at most `maxLength` items. */
  array(name: string, maxLength: number): unknown[] {
    const v = this.raw(name);
    if (!Array.isArray(v)) throw new ChaincodeError('INVALID_FIELD', 'must be an array', this.at(name));
    if (v.length > maxLength) {
      throw new ChaincodeError('INVALID_FIELD', `must hold at most ${maxLength} items`, this.at(name));
    }
    return v;
  }
}

/** Checks that `value` is a printable string of bounded length, optionally matching `pattern`. */
export function checkString(
  value: unknown,
  path: string,
  maxLength: number,
  pattern?: RegExp,
  describe = 'a printable string',
): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !PRINTABLE.test(value)) {
    throw new ChaincodeError('INVALID_FIELD', `must be ${describe} of 1 to ${maxLength} characters`, path);
  }
  if (pattern && !pattern.test(value)) throw new ChaincodeError('INVALID_FIELD', `must be ${describe}`, path);
  return value;
}
