import { randomBytes } from 'node:crypto';
import { encryptedJson, encryptedText, SealedValue, StoredCiphertext } from './encrypted-column.transformer';
import { phiCipher, configurePhiCipher } from './phi-cipher.registry';
import { rowKey } from './field-cipher';

describe('encrypted column transformers', () => {
  beforeAll(() => configurePhiCipher({ PHI_KEYS: [{ kid: 't1', key: randomBytes(32) }] }));
  const row = ['1b0c1f9e-6a52-4d1e-9d44-2f0d6a1c0a01'];

  it('seal text for its row and open it with the same row key', () => {
    const t = encryptedText('members.phone');
    const sealed = t.seal('+254700000001', row);
    expect(sealed.stored.startsWith('v2.t1.')).toBe(true);
    expect(t.to(sealed)).toBe(sealed.stored);
    expect(t.open(sealed.stored, row)).toBe('+254700000001');
    expect(phiCipher().decrypt(sealed.stored, { column: 'members.phone', row: rowKey(row) })).toBe(
      '+254700000001',
    );
  });

  it('round-trip JSON documents', () => {
    const t = encryptedJson<{ member: { birthDate: string } }>('claim_decisions.inputs');
    const key = [row[0], 2];
    const sealed = t.seal({ member: { birthDate: '1990-04-12' } }, key);
    expect(sealed.stored).not.toContain('1990');
    expect(t.open(sealed.stored, key)).toEqual({ member: { birthDate: '1990-04-12' } });
  });

  it('leave stored values for the subscriber, and pass null and undefined through', () => {
    const t = encryptedText('claim_decisions.note');
    expect(t.from('v2.t1.x.y.z')).toEqual(new StoredCiphertext('v2.t1.x.y.z'));
    expect(JSON.stringify({ note: t.from('v2.t1.x.y.z') })).toBe('{"note":"[encrypted]"}');
    expect(t.to(null)).toBeNull();
    expect(t.to(undefined)).toBeUndefined();
    expect(t.from(null)).toBeNull();
  });

  it('refuse a plaintext that reached the database without its row key', () => {
    expect(() => encryptedText('members.full_name').to('Amina Hassan')).toThrow(
      /members\.full_name reached the database without its row's primary key/,
    );
    expect(encryptedText('members.full_name').to(new SealedValue('v2.t1.a.b.c'))).toBe('v2.t1.a.b.c');
  });

  it('bind the column and the row: a value from another column or row does not open', () => {
    const stored = encryptedText('members.full_name').seal('Amina Hassan', row).stored;
    expect(() => encryptedText('members.phone').open(stored, row)).toThrow(/cannot decrypt members\.phone/);
    expect(() => encryptedText('members.full_name').open(stored, ['another-id'])).toThrow(
      /cannot decrypt members\.full_name of row \["another-id"\]: authentication failed/,
    );
  });
});
