import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  ClaimQueriesService,
  ClaimsService,
  type Principal,
  LedgerRetryService,
  ReviewService,
  type BatchItemResult,
  type ClaimView,
  type LedgerRetryResult,
  type SubmissionResult,
} from '@claimtrail/claims';
import type { ClaimStatus } from '@claimtrail/claims/domain';
import { auditListPage } from '../access-log/access-audit';
import { CurrentPrincipal, Roles, Scope } from '../auth/auth.decorators';
import {
  ApiAnswer,
  ApiProblems,
  ApiQueryFrom,
  BODY_PROBLEMS,
  KEYED_PROBLEMS,
  openApiSchema,
} from '../common/openapi';
import { SubmissionBatcher } from './submission-batcher';
import { ZodPipe } from '../common/zod-body.pipe';
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
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1/claims')
@Scope('claims')
export class ClaimsController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly submissions: SubmissionBatcher,
    private readonly queries: ClaimQueriesService,
    private readonly reviews: ReviewService,
    private readonly ledgerRetries: LedgerRetryService,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('provider')
  @ApiOperation({ summary: 'Submit a claim; the external reference makes it idempotent' })
  @ApiBody({ schema: openApiSchema(submitClaimSchema) })
  @ApiAnswer(202, 'AcceptedClaim', 'Accepted for adjudication (Idempotent-Replayed: true for a repeat)')
  @ApiProblems(...BODY_PROBLEMS, 409, 422)
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(submitClaimSchema)) body: SubmitClaimBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; status: ClaimStatus }> {
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
  @ApiAnswer(207, 'BatchSubmission', 'Each claim accepted or refused on its own')
  @ApiProblems(...BODY_PROBLEMS, 422)
  async submitBatch(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(submitBatchSchema)) body: z.output<typeof submitBatchSchema>,
  ): Promise<{ results: BatchItemResult[] }> {
    return { results: await this.claims.submitBatch(principal.orgId, body.claims) };
  }

  @Get()
  @Roles('provider', 'payer')
  @ApiOperation({ summary: 'List claims visible to the caller, newest first' })
  @ApiQueryFrom(listClaimsQuerySchema)
  @ApiAnswer(200, 'ClaimPage')
  @ApiProblems(400)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(listClaimsQuerySchema)) query: ReturnType<typeof listClaimsQuerySchema.parse>,
    @Req() req: FastifyRequest,
  ): Promise<{ items: ClaimView[]; nextCursor: string | null }> {
    const page = await this.queries.list(principal, query);
    auditListPage(
      req,
      page.items.map((c) => c.id),
      page.nextCursor,
    );
    return page;
  }

  @Get(':id')
  @Roles('provider', 'payer')
  @ApiOperation({ summary: 'A claim with its decision and ledger position' })
  @ApiAnswer(200, 'Claim')
  @ApiProblems(400, 404, 409)
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
  ): Promise<ClaimView> {
    return this.queries.get(principal, id);
  }

  @Post(':id/void')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({ summary: 'Void a claim that has not been adjudicated yet' })
  @ApiAnswer(200, 'SubmissionResult', 'Voided (replayed: true when it already was)')
  @ApiProblems(...BODY_PROBLEMS, 404, 409)
  voidClaim(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
  ): Promise<SubmissionResult> {
    return this.claims.void(principal.orgId, id);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('payer')
  @ApiOperation({ summary: 'Approve, adjust or reject a pended claim; the review is a new ledger revision' })
  @ApiBody({ schema: openApiSchema(reviewClaimSchema) })
  @ApiAnswer(200, 'ReviewResult', 'Decided; the new revision goes to the ledger')
  @ApiProblems(...BODY_PROBLEMS, 404, 409, 422)
  review(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
    @Body(new ZodPipe(reviewClaimSchema)) body: ReviewClaimBody,
  ): Promise<{ id: string; status: ClaimStatus; revision: number }> {
    return this.reviews.review(principal.orgId, id, body);
  }

  @Post(':id/ledger-retry')
  @HttpCode(202)
  @Roles('payer')
  @ApiOperation({
    summary: 'Send a decision the chaincode refused to the ledger again',
    description:
      'For a `decision_refused` claim: the same decision record goes back to the ledger relay. Once ' +
      'the ledger records it the claim returns to the status the decision gave it; if the chaincode ' +
      'refuses it again the claim stays `decision_refused` with the new reason (a different record ' +
      'under the same key, `CONFLICT`, is permanent on an append-only ledger).',
  })
  @ApiAnswer(202, 'LedgerRetryResult', 'Queued for the ledger again')
  @ApiProblems(...BODY_PROBLEMS, 404, 409)
  ledgerRetry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodPipe(claimIdSchema, 'id')) id: string,
  ): Promise<LedgerRetryResult> {
    return this.ledgerRetries.retryDecision(principal.orgId, id);
  }
}
