import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@claimtrail/claims/application/organizations.service';
import type { OrganizationKind } from '@claimtrail/claims/infra/entities';

export const PUBLIC_KEY = 'claimtrail:public';
export const ROLES_KEY = 'claimtrail:roles';

/** Marks a route as needing no API key (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Organization kinds allowed to call a route. */
export const Roles = (...kinds: OrganizationKind[]) => SetMetadata(ROLES_KEY, kinds);

/** The authenticated organization of this request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
