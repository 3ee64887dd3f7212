import { randomBytes } from 'node:crypto';
import { encryptedJson, encryptedText } from './encrypted-column.transformer';
import { configurePhiCipher } from './phi-cipher.registry';

describe('encrypted column transformers', () => {
  beforeAll(() => configurePhiCipher({ PHI_KEYS: [{ kid: 't1', key: randomBytes(32) }] }));

  it('encrypt text on the way in and decrypt it on the way out', () => {
    const t = encryptedText('members.phone');
    const stored = t.to('+254700000001')!;
    expect(stored.startsWith('v1.t1.')).toBe(true);
    expect(t.from(stored)).toBe('+254700000001');
  });

  it('round-trip JSON documents', () => {
    const t = encryptedJson<{ member: { birthDate: string } }>('claim_decisions.inputs');
    const stored = t.to({ member: { birthDate: '1990-04-12' } })!;
    expect(stored).not.toContain('1990');
    expect(t.from(stored)).toEqual({ member: { birthDate: '1990-04-12' } });
  });

  it('pass null and undefined through', () => {
    const t = encryptedText('claim_decisions.note');
    expect(t.to(null)).toBeNull();
    expect(t.to(undefined)).toBeUndefined();
    expect(t.from(null)).toBeNull();
  });

  it('bind the column name: a value from another column does not decrypt', () => {
    const stored = encryptedText('members.full_name').to('Amina Hassan')!;
    expect(() => encryptedText('members.phone').from(stored)).toThrow(/cannot decrypt members\.phone/);
  });
});
