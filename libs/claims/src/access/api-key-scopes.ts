import type { OrganizationKind } from './organizations.repository';

/**
 * What an API key may do. `admin` manages the organization's keys (issue, rotate others, revoke)
 * and, for the operator, creates organizations; the others name an area and whether the key may
 * only read it or also change it.
 */
export const API_KEY_SCOPES = [
  'admin',
  'claims:read',
  'claims:write',
  'payments:write',
  'plans:read',
  'plans:write',
  'funds:read',
  'funds:write',
] as const;

/** One scope of an API key. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The areas a route belongs to: a GET needs `<area>:read`, anything else `<area>:write`. */
export type ScopeArea = 'claims' | 'payments' | 'plans' | 'funds';

/** Scopes a key of each organization kind gets when issued without naming any: what its clients need. */
export const DEFAULT_SCOPES: Record<OrganizationKind, readonly ApiKeyScope[]> = {
  payer: ['claims:read', 'claims:write', 'payments:write', 'plans:read', 'plans:write'],
  provider: ['claims:read', 'claims:write'],
  funder: ['claims:read', 'funds:read', 'funds:write'],
  operator: ['claims:read'],
};

/** Scopes of an organization's first key: its kind's defaults and `admin`. */
export const firstKeyScopes = (kind: OrganizationKind): ApiKeyScope[] => ['admin', ...DEFAULT_SCOPES[kind]];

/** The scopes a key of this kind may hold: its defaults and `admin`, nothing it has no route for. */
export const allowedScopes = (kind: OrganizationKind): readonly ApiKeyScope[] => firstKeyScopes(kind);

/** The scope a request to a route of `area` with `method` needs. */
export const scopeFor = (area: ScopeArea, method: string): ApiKeyScope =>
  `${area}:${method === 'GET' || method === 'HEAD' ? 'read' : 'write'}` as ApiKeyScope;

/** Scopes in the one order they are stored and shown in. */
export const sortScopes = (scopes: Iterable<ApiKeyScope>): ApiKeyScope[] =>
  [...new Set(scopes)].sort((a, b) => API_KEY_SCOPES.indexOf(a) - API_KEY_SCOPES.indexOf(b));
