import { opsTokenMatcher } from './ops-token';

describe('opsTokenMatcher', () => {
  const token = 'a'.repeat(40);

  it('admits exactly the configured bearer token', () => {
    const matches = opsTokenMatcher(token);
    expect(matches(`Bearer ${token}`)).toBe(true);
    expect(matches(`Bearer ${token}x`)).toBe(false);
    expect(matches(token)).toBe(false);
    expect(matches('Bearer ')).toBe(false);
    expect(matches(undefined)).toBe(false);
  });

  it('admits nothing when no token is configured', () => {
    const matches = opsTokenMatcher(undefined);
    expect(matches('Bearer ')).toBe(false);
    expect(matches('Bearer undefined')).toBe(false);
  });
});
