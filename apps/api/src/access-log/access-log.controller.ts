import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessLogService } from '@claimtrail/claims';
import { Roles, Scope } from '../auth/auth.decorators';
import { ApiAnswer, ApiProblems, ApiQueryFrom, KEYED_PROBLEMS } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

const accessLogQuerySchema = z.strictObject({
  claimId: z.uuid({ error: 'must be a claim id (UUID)' }).optional(),
  organizationId: z.uuid({ error: 'must be an organization id (UUID)' }).optional(),
  before: z.coerce
    .number({ error: 'must be an entry id' })
    .int('must be an entry id')
    .positive('must be an entry id')
    .optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be from 1 to 500')
    .max(500, 'must be from 1 to 500')
    .default(100),
});

/** Who read which claim, for the operator. */
@ApiTags('access-log')
@ApiBearerAuth()
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1/access-log')
@Scope('claims')
@Roles('operator')
export class AccessLogController {
  constructor(private readonly log: AccessLogService) {}

  @Get()
  @ApiOperation({ summary: 'Reads of claims and proofs, newest first' })
  @ApiQueryFrom(accessLogQuerySchema)
  @ApiAnswer(200, ['AccessLogEntry'])
  @ApiProblems(400)
  list(@Query(new ZodPipe(accessLogQuerySchema)) query: z.output<typeof accessLogQuerySchema>) {
    return this.log.list(query);
  }
}
