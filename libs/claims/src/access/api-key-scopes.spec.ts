import { allowedScopes, DEFAULT_SCOPES, firstKeyScopes, scopeFor, sortScopes } from './api-key-scopes';

describe('API key scopes', () => {
  it('gives a first key its kind defaults and admin, and other keys no admin by default', () => {
    expect(firstKeyScopes('provider')).toEqual(['admin', 'claims:read', 'claims:write']);
    for (const kind of ['payer', 'provider', 'funder', 'operator'] as const) {
      expect(DEFAULT_SCOPES[kind]).not.toContain('admin');
      expect(allowedScopes(kind)).toEqual(expect.arrayContaining([...DEFAULT_SCOPES[kind], 'admin']));
    }
    expect(allowedScopes('provider')).not.toContain('payments:write');
  });

  it('needs the read scope for GET and HEAD and the write scope for anything else', () => {
    expect(scopeFor('claims', 'GET')).toBe('claims:read');
    expect(scopeFor('funds', 'HEAD')).toBe('funds:read');
    expect(scopeFor('plans', 'POST')).toBe('plans:write');
  });

  it('stores scopes once each, in one order', () => {
    expect(sortScopes(['claims:write', 'admin', 'claims:write'])).toEqual(['admin', 'claims:write']);
  });
});
