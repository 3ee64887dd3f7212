import { randomBytes } from 'node:crypto';
import type { PhiKey } from '../../config/phi-keys';
import { FieldCipher, FieldCipherError, FieldCipherErrorCode, rowKey } from './field-cipher';

const key = (kid: string): PhiKey => ({ kid, key: randomBytes(32) });
const COLUMN = 'members.full_name';
const AT = { column: COLUMN, row: rowKey(['7d1f0e1c-0000-4000-8000-000000000001']) };

function failure(fn: () => unknown): FieldCipherError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FieldCipherError) return err;
    throw err;
  }
  throw new Error('expected a FieldCipherError');
}

describe('FieldCipher', () => {
  const k1 = key('k1');
  const cipher = new FieldCipher([k1]);

  it('round-trips text, including empty and non-ASCII values', () => {
    for (const plain of ['Wanjiru Kamau', '', '1990-04-12', 'Ñjoroge 🩺 +254 700 000 000']) {
      expect(cipher.decrypt(cipher.encrypt(plain, AT), AT)).toBe(plain);
    }
  });

  it('stores v2.<kid>.<iv>.<ciphertext>.<tag> with no plaintext in it', () => {
    const stored = cipher.encrypt('Wanjiru Kamau', AT);
    expect(stored).toMatch(/^v2\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(stored).not.toContain('Wanjiru');
    expect(FieldCipher.kidOf(stored)).toBe('k1');
  });

  it('deflates a document when asked, and decrypts it to the same text', () => {
    const doc = JSON.stringify({
      history: Array.from({ length: 40 }, (_, i) => ({ serviceCode: 'CONS-GP', i })),
    });
    const plain = cipher.encrypt(doc, AT);
    const deflated = cipher.encrypt(doc, AT, { deflate: true });
    expect(deflated.length).toBeLessThan(plain.length / 3);
    expect(cipher.decrypt(deflated, AT)).toBe(doc);
    expect(cipher.decrypt(plain, AT)).toBe(doc);
  });

  it('stores a text that starts with NUL deflated, so the marker is never ambiguous', () => {
    for (const plain of ['\u0000', '\u0000abc', '\u0000\u0000']) {
      expect(cipher.decrypt(cipher.encrypt(plain, AT), AT)).toBe(plain);
    }
  });

  it('re-encrypts under the active key and keeps a value deflated or not as it was', () => {
    const k0 = key('k0');
    const old = new FieldCipher([k0]);
    const rotated = new FieldCipher([k1, k0]);
    const doc = 'x'.repeat(3000);
    for (const opts of [{}, { deflate: true }]) {
      const stored = old.encrypt(doc, AT, opts);
      const moved = rotated.reencrypt(stored, AT);
      expect(FieldCipher.kidOf(moved)).toBe('k1');
      expect(moved.length).toBe(stored.length);
      expect(rotated.decrypt(moved, AT)).toBe(doc);
    }
  });

  it('uses a fresh IV every time, so equal values do not look equal', () => {
    const values = Array.from({ length: 50 }, () => cipher.encrypt('same', AT));
    expect(new Set(values).size).toBe(50);
    expect(new Set(values.map((v) => v.split('.')[2])).size).toBe(50);
  });

  it.each([0, 1, 2, 3, 4])('refuses a value whose part %i was altered', (part) => {
    const stored = cipher.encrypt('Wanjiru Kamau', AT);
    const parts = stored.split('.');
    for (const position of [0, parts[part].length - 1]) {
      const altered = [...parts];
      const c = altered[part][position];
      altered[part] =
        altered[part].slice(0, position) + (c === 'A' ? 'B' : 'A') + altered[part].slice(position + 1);
      expect(() => cipher.decrypt(altered.join('.'), AT)).toThrow(FieldCipherError);
    }
  });

  it('refuses a truncated or extended value', () => {
    const stored = cipher.encrypt('Wanjiru Kamau', AT);
    expect(failure(() => cipher.decrypt(stored.slice(0, -1), AT)).code).toBe(FieldCipherErrorCode.Malformed);
    expect(failure(() => cipher.decrypt(`${stored}.x`, AT)).code).toBe(FieldCipherErrorCode.Malformed);
    expect(failure(() => cipher.decrypt('Wanjiru Kamau', AT)).code).toBe(FieldCipherErrorCode.Malformed);
  });

  it('refuses a value moved from another column', () => {
    const stored = cipher.encrypt('1990-04-12', { column: 'members.birth_date', row: AT.row });
    const err = failure(() => cipher.decrypt(stored, AT));
    expect(err.code).toBe(FieldCipherErrorCode.Unauthentic);
    expect(err.message).toContain(COLUMN);
    expect(err.message).not.toContain('1990');
  });

  it('refuses a value under a key id it does not hold, naming the key id', () => {
    const other = new FieldCipher([key('k9')]);
    const err = failure(() => cipher.decrypt(other.encrypt('x', AT), AT));
    expect(err.code).toBe(FieldCipherErrorCode.UnknownKey);
    expect(err.message).toMatch(/key id "k9" is not in PHI_KEYS/);
  });

  it('refuses a value relabelled with another key id of the keyring', () => {
    const both = new FieldCipher([k1, { kid: 'k1b', key: k1.key }]);
    const relabelled = both.encrypt('x', AT).replace(/^v2\.k1\./, 'v2.k1b.');
    expect(failure(() => both.decrypt(relabelled, AT)).code).toBe(FieldCipherErrorCode.Unauthentic);
  });

  it('decrypts old values after a new key is prepended, and encrypts new ones under it', () => {
    const old = cipher.encrypt('Otieno Odhiambo', AT);
    const rotated = new FieldCipher([key('k2'), k1]);
    expect(rotated.activeKid).toBe('k2');
    expect(rotated.decrypt(old, AT)).toBe('Otieno Odhiambo');
    const fresh = rotated.encrypt('Otieno Odhiambo', AT);
    expect(FieldCipher.kidOf(fresh)).toBe('k2');
    expect(failure(() => cipher.decrypt(fresh, AT)).code).toBe(FieldCipherErrorCode.UnknownKey);
  });

  it('refuses an empty keyring or a key of the wrong size', () => {
    expect(() => new FieldCipher([])).toThrow(/empty/);
    expect(() => new FieldCipher([{ kid: 'short', key: randomBytes(16) }])).toThrow(
      /"short" is not 32 bytes/,
    );
  });

  it('refuses a value moved from another row of the same column, naming the row key only', () => {
    const other = { column: COLUMN, row: rowKey(['7d1f0e1c-0000-4000-8000-000000000002']) };
    const err = failure(() => cipher.decrypt(cipher.encrypt('Wanjiru Kamau', other), AT));
    expect(err.code).toBe(FieldCipherErrorCode.Unauthentic);
    expect(err.message).toContain(`${COLUMN} of row ${AT.row}`);
    expect(err.message).not.toContain('Wanjiru');
    const decision = (revision: number) => ({
      column: 'claim_decisions.note',
      row: rowKey(['c1', revision]),
    });
    expect(() => cipher.decrypt(cipher.encrypt('note', decision(1)), decision(2))).toThrow(FieldCipherError);
  });

  it('reads a column-only (v1) value only to rebind it to its row', () => {
    const v1 = cipher.encryptUnbound('Wanjiru Kamau', COLUMN);
    expect(v1.startsWith('v1.k1.')).toBe(true);
    expect(failure(() => cipher.decrypt(v1, AT)).code).toBe(FieldCipherErrorCode.Unbound);
    const bound = cipher.reencrypt(v1, AT);
    expect(bound.startsWith('v2.k1.')).toBe(true);
    expect(cipher.decrypt(bound, AT)).toBe('Wanjiru Kamau');
    expect(cipher.decryptUnbound(cipher.unbind(bound, AT), COLUMN)).toBe('Wanjiru Kamau');
    expect(failure(() => cipher.reencrypt(v1, { column: 'members.phone', row: AT.row })).code).toBe(
      FieldCipherErrorCode.Unauthentic,
    );
  });
});
