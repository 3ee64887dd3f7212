import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError, AppErrorCode, opsTokenMatcher } from '@claimtrail/claims';
import { type AppConfig, APP_CONFIG } from '@claimtrail/claims/config';

/**
 * Admits `Authorization: Bearer <OPS_TOKEN>` to the operational endpoints (readiness, metrics),
 * which query PostgreSQL and Redis and describe the platform's state; without OPS_TOKEN set, none.
 */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  private readonly matches: (authorization: string | undefined) => boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.matches = opsTokenMatcher(config.OPS_TOKEN);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (this.matches(ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization)) return true;
    throw new AppError(
      AppErrorCode.Unauthenticated,
      this.config.OPS_TOKEN
        ? 'this operational endpoint needs the operations token (Authorization: Bearer <OPS_TOKEN>)'
        : 'this operational endpoint is closed: set OPS_TOKEN to open it to holders of that token',
    );
  }
}
