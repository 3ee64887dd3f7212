import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AccessLogService } from '@claimtrail/claims/application/access-log.service';
import { ClaimQueriesService } from '@claimtrail/claims/application/claim-queries.service';
import { ClaimsService } from '@claimtrail/claims/application/claims.service';
import type { Principal } from '@claimtrail/claims/application/organizations.service';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { openApiSchema } from '../common/openapi';
import { SubmissionBatcher } from './submission-batcher';
import { ZodPipe } from '../common/zod-body.pipe';
import { ReviewService } from '@claimtrail/claims/application/review.service';
import {
  claimIdSchema,
  listClaimsQuerySchema,
  reviewClaimSchema,
  submitBatchSchema,
  submitClaimSchema,
  type ReviewClaimBody,
  type SubmitClaimBody,
} from './claims.dto';

/** Claim submission and reading. */
@ApiTags('claims')
@ApiBearerAuth()
@Controller('v1/claims')
export class ClaimsController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly submissions: SubmissionBatcher,
    private readonly queries: ClaimQueriesService,
    private readonly reviews: ReviewService,
    private readonly accessLog: AccessLogService,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('provider')
  @ApiOperation({ summary: 'Submit a claim; the external reference makes it idempotent' })
  @ApiBody({ schema: openApiSchema(submitClaimSchema) })
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(submitClaimSchema)) body: SubmitClaimBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.submissions.submit(principal.orgId, body);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return { id: result.id, status: result.status };
  }

  @Post('batch')
  @HttpCode(207)
  @Roles('provider')
  @ApiOperation({
    summary: 'Submit up to 1,000 claims at once; each is accepted or refused on its own (207)',
  })
  @ApiBody({ schema: openApiSchema(submitBatchSchema) })
  async submitBatch(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(submitBatchSchema)) body: z.output<typeof submitBatchSchema>,
  ) {
    return { results: await this.claims.submitBatch(principal.orgId, body.claims) };
  }

  @Get()
  @Roles('provider', 'payer')
  @ApiOperation({ summary: 'List claims visible to the caller, newest first' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(listClaimsQuerySchema)) query: ReturnType<typeof listClaimsQuerySchema.parse>,
  ) {
    return this.queries.list(principal, query);
  }

  @Get(':id')
  @Roles('provider', 'payer')
  @ApiOperation({ summary: 'A claim with its decision and ledger position' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
    @Req() req: FastifyRequest,
  ) {
    const claim = await this.queries.get(principal, id);
    await this.accessLog.record(principal, 'read_claim', id, String(req.id));
    return claim;
  }

  @Post(':id/void')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({ summary: 'Void a claim that has not been adjudicated yet' })
  voidClaim(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
  ) {
    return this.claims.void(principal.orgId, id);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('payer')
  @ApiOperation({ summary: 'Approve, adjust or reject a pended claim; the review is a new ledger revision' })
  @ApiBody({ schema: openApiSchema(reviewClaimSchema) })
  review(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
    @Body(new ZodPipe(reviewClaimSchema)) body: ReviewClaimBody,
  ) {
    return this.reviews.review(principal.orgId, id, body);
  }
}
