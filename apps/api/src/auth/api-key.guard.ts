import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError, AppErrorCode } from '@claimtrail/claims/application/app.errors';
import { OrganizationsService, type Principal } from '@claimtrail/claims/application/organizations.service';
import type { OrganizationKind } from '@claimtrail/claims/infra/entities';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

/** Authenticates `Authorization: Bearer <api key>` and enforces the route's organization kinds. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly orgs: OrganizationsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = await this.orgs.authenticate(token);
    const roles = this.reflector.getAllAndOverride<OrganizationKind[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.kind)) {
      throw new AppError(AppErrorCode.Forbidden, `this endpoint is for ${roles.join(' or ')} organizations`);
    }
    req.principal = principal;
    return true;
  }
}
