import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import {
  scopeFor,
  type ApiKeyScope,
  AppError,
  AppErrorCode,
  RetryLaterError,
  OrganizationsService,
  type Principal,
  type OrganizationKind,
} from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';
import { PUBLIC_KEY, ROLES_KEY, SCOPE_KEY, type ScopeRule } from './auth.decorators';
import { bearerToken } from './bearer-token';

type KeyedRequest = FastifyRequest & { principal?: Principal };
type Limiter = (
  req: FastifyRequest,
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

/**
 * Authenticates `Authorization: Bearer <api key>`, counts the request against its organization's
 * rate limit (only once the key is proven, so nobody can spend another's budget), and enforces
 * the route's organization kinds and scope.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private limiter: Limiter | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly orgs: OrganizationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<KeyedRequest>();
    const principal = await this.orgs.authenticate(bearerToken(req.headers.authorization));
    req.principal = principal;
    await this.countAgainstOrganization(req);
    const roles = this.reflector.getAllAndOverride<OrganizationKind[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.kind)) {
      throw new AppError(AppErrorCode.Forbidden, `this endpoint is for ${roles.join(' or ')} organizations`);
    }
    const rule = this.reflector.getAllAndOverride<ScopeRule | undefined>(SCOPE_KEY, targets);
    const needed = requiredScope(rule, req.method);
    if (needed && !principal.scopes.includes(needed)) {
      throw new AppError(AppErrorCode.Forbidden, `this endpoint needs an API key with the ${needed} scope`);
    }
    return true;
  }

  private async countAgainstOrganization(req: KeyedRequest): Promise<void> {
    this.limiter ??= req.server.createRateLimit({
      max: this.config.RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (r) => `org:${(r as KeyedRequest).principal!.orgId}`,
      allowList: () => false,
    }) as Limiter;
    const result = await this.limiter(req);
    if (!result.isAllowed && result.isExceeded) {
      const seconds = Math.max(1, result.ttlInSeconds ?? 60);
      throw new RetryLaterError(
        AppErrorCode.RateLimited,
        `rate limit of ${this.config.RATE_LIMIT_PER_MINUTE} requests per minute for the organization exceeded; retry in ${seconds} s`,
        [],
        seconds,
      );
    }
  }
}

// A route that declares no scope is refused rather than left open: every keyed route names one.
function requiredScope(rule: ScopeRule | undefined, method: string): ApiKeyScope | null {
  if (rule === undefined) throw new AppError(AppErrorCode.Forbidden, 'this endpoint accepts no API key');
  if (rule === 'any') return null;
  if (rule === 'admin') return 'admin';
  return scopeFor(rule, method);
}
