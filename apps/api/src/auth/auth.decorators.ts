import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ScopeArea, Principal, OrganizationKind } from '@claimtrail/claims';

export const PUBLIC_KEY = 'claimtrail:public';
export const ROLES_KEY = 'claimtrail:roles';
export const SCOPE_KEY = 'claimtrail:scope';

/**
 * What a route needs of a key's scopes: an area (a GET needs `<area>:read`, anything else
 * `<area>:write`), `admin`, or `any` key of the allowed kinds (the route checks more itself).
 */
export type ScopeRule = ScopeArea | 'admin' | 'any';

/** Marks a route as needing no API key (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Organization kinds allowed to call a route. */
export const Roles = (...kinds: OrganizationKind[]) => SetMetadata(ROLES_KEY, kinds);

/** The scope a route needs; on a handler it overrides its controller's. Every keyed route has one. */
export const Scope = (rule: ScopeRule) => SetMetadata(SCOPE_KEY, rule);

/** The authenticated organization of this request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
