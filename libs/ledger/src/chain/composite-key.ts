import type { SplitCompositekey } from 'fabric-shim-api';

// Fabric's composite-key encoding: a U+0000 namespace marker, then every part followed by U+0000.
const NAMESPACE = '\u0000';
const SEPARATOR = '\u0000';
/** Largest Unicode code point; appended to a prefix it bounds a range scan from above. */
export const MAX_UNICODE_RUNE = '\u{10ffff}';
// A lone surrogate cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkPart(part: unknown, what: string): string {
  if (typeof part !== 'string' || part.length === 0) throw new Error(`${what} must be a non-empty string`);
  if (part.includes(SEPARATOR) || part.includes(MAX_UNICODE_RUNE) || LONE_SURROGATE.test(part)) {
    throw new Error(`${what} must be valid UTF-8 without U+0000 or U+10FFFF`);
  }
  return part;
}

/** Builds a composite key exactly as Fabric's shims do. */
export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  let key = NAMESPACE + checkPart(objectType, 'objectType') + SEPARATOR;
  if (!Array.isArray(attributes)) throw new Error('attributes must be an array');
  for (const attribute of attributes) key += checkPart(attribute, 'attribute') + SEPARATOR;
  return key;
}

/** Splits a composite key back into its object type and attributes, as Fabric's Node shim does. */
export function splitCompositeKey(compositeKey: string): SplitCompositekey {
  const result: SplitCompositekey = { objectType: null as unknown as string, attributes: [] };
  if (compositeKey && compositeKey.length > 1 && compositeKey.charAt(0) === NAMESPACE) {
    const parts = compositeKey.substring(1).split(SEPARATOR);
    if (parts[0]) {
      result.objectType = parts[0];
      parts.pop();
      if (parts.length > 1) result.attributes = parts.slice(1);
    }
  }
  return result;
}
