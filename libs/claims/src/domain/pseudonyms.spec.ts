import { claimCommitment, memberRef, verifyClaimCommitment } from './pseudonyms';

describe('pseudonyms', () => {
  it('derives a keyed member reference that depends on the secret and the payer', () => {
    const a = memberRef('secret-one-0123456789', 'payer-1', 'M001');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(memberRef('secret-one-0123456789', 'payer-1', 'M001')).toBe(a);
    expect(memberRef('secret-two-0123456789', 'payer-1', 'M001')).not.toBe(a);
    expect(memberRef('secret-one-0123456789', 'payer-2', 'M001')).not.toBe(a);
  });

  it('commits to a payload regardless of key order and detects any change', () => {
    const salt = 'ab'.repeat(32);
    const c = claimCommitment(salt, { b: 1, a: [1, 2] });
    expect(verifyClaimCommitment(salt, { a: [1, 2], b: 1 }, c)).toBe(true);
    expect(verifyClaimCommitment(salt, { a: [1, 2], b: 2 }, c)).toBe(false);
    expect(verifyClaimCommitment('cd'.repeat(32), { a: [1, 2], b: 1 }, c)).toBe(false);
  });
});
