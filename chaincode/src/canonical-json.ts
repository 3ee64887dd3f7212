import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON: sorted keys and fixed number formatting, so every peer writes identical bytes. */
export function canonicalJson(value: unknown): string {
  const json = canonicalize(value);
  if (json === undefined) throw new Error('value cannot be serialised as JSON');
  return json;
}

/** Canonical JSON as UTF-8 bytes, the form values take in world state and events. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
