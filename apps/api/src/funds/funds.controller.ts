import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Readable } from 'node:stream';
import {
  fundReportCsv,
  fundReportJson,
  FundReportService,
  FundsService,
  type Principal,
  type FundView,
} from '@claimtrail/claims';
import { BENEFIT_CATEGORIES, currencyCode, freeText, isoDate } from '@claimtrail/claims/domain';
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
import { ZodPipe } from '../common/zod-body.pipe';

const ids = (what: string) =>
  z
    .array(z.uuid({ error: `must be ${what} ids (UUID)` }))
    .min(1, 'must name at least one')
    .max(1000, 'must name at most 1000')
    .optional();
const positiveMinor = z
  .number({ error: 'must be a positive integer (minor units)' })
  .int('must be a positive integer (minor units)')
  .min(1, 'must be a positive integer (minor units)')
  .max(1e13, 'must be at most 10000000000000 minor units');

/** Body of POST /v1/funds. */
export const createFundSchema = z
  .strictObject({
    name: freeText(200),
    currency: currencyCode,
    budget: positiveMinor.describe(
      "The cap on the fund's deposits: the opening deposit plus every top-up never exceed it",
    ),
    deposit: positiveMinor
      .describe('The opening deposit, at most the budget; the whole budget when left out')
      .optional(),
    period: z.strictObject({ start: isoDate, end: isoDate }),
    earmarks: z
      .strictObject({
        payerIds: ids('payer organization'),
        planIds: ids('plan'),
        providerIds: ids('provider organization'),
        categories: z
          .array(z.enum(BENEFIT_CATEGORIES, { error: `must be one of ${BENEFIT_CATEGORIES.join(', ')}` }))
          .min(1)
          .optional(),
      })
      .default({}),
  })
  .refine((f) => f.period.start <= f.period.end, {
    path: ['period', 'end'],
    message: 'must not be before period.start',
  });

const topUpSchema = z.strictObject({ amount: positiveMinor });
const fundIdSchema = z.uuid({ error: 'must be a fund id (UUID)' });
const reportQuerySchema = z.strictObject({
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json'),
});

/** Donor funds and their reports. */
@ApiTags('funds')
@ApiBearerAuth()
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1/funds')
@Scope('funds')
@Roles('funder')
export class FundsController {
  constructor(
    private readonly funds: FundsService,
    private readonly reports: FundReportService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create an earmarked fund; recorded on the ledger',
    description:
      '`budget` is the cap on what the funder deposits into the fund; `deposit` (default: the whole ' +
      'budget) is what it deposits now, and top-ups may add the rest. `total` is what was deposited ' +
      'so far, `remaining` what of it is not yet allocated to paid claims.',
  })
  @ApiBody({ schema: openApiSchema(createFundSchema) })
  @ApiAnswer(201, 'Fund', 'Created, and recorded on the ledger')
  @ApiProblems(...BODY_PROBLEMS, 409, 422, 502)
  create(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(createFundSchema)) body: z.output<typeof createFundSchema>,
  ): Promise<FundView> {
    return this.funds.create(p.orgId, body);
  }

  @Get()
  @ApiOperation({ summary: "This funder's funds" })
  @ApiAnswer(200, ['Fund'])
  async list(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest): Promise<FundView[]> {
    const funds = await this.funds.list(p.orgId);
    auditListPage(
      req,
      funds.map((f) => f.id),
    );
    return funds;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A fund and its balance' })
  @ApiAnswer(200, 'Fund')
  @ApiProblems(400, 404, 409)
  get(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(fundIdSchema, 'id')) id: string,
  ): Promise<FundView> {
    return this.funds.get(p.orgId, id);
  }

  @Post(':id/top-ups')
  @ApiOperation({
    summary: 'Add money to a fund, up to its budget; recorded on the ledger',
    description:
      'A top-up that would bring the deposits above the budget is refused with 422 budget_exceeded, ' +
      'by the platform and again by the chaincode (BUDGET_EXCEEDED).',
  })
  @ApiBody({ schema: openApiSchema(topUpSchema) })
  @ApiAnswer(201, 'Fund', 'Topped up, and recorded on the ledger')
  @ApiProblems(...BODY_PROBLEMS, 404, 409, 422, 502)
  topUp(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(fundIdSchema, 'id')) id: string,
    @Body(new ZodPipe(topUpSchema)) body: z.output<typeof topUpSchema>,
  ): Promise<FundView> {
    return this.funds.topUp(p.orgId, id, body.amount);
  }

  @Get(':id/report')
  @ApiOperation({
    summary:
      'Spend by provider, category and service month, each figure with its ledger records (JSON or CSV)',
  })
  @ApiQueryFrom(reportQuerySchema)
  @ApiResponse({
    status: 200,
    description: 'The report: JSON (format=json) or CSV (format=csv)',
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/FundReport' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiProblems(400, 404, 409)
  async report(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(fundIdSchema, 'id')) id: string,
    @Query(new ZodPipe(reportQuerySchema)) query: z.output<typeof reportQuerySchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.report(p.orgId, id);
    // Streamed either way: a fund of tens of thousands of allocations is written a chunk at a time.
    if (query.format === 'json') {
      void reply.header('content-type', 'application/json; charset=utf-8');
      return Readable.from(fundReportJson(report));
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="fund-${id}.csv"`);
    return fundReportCsv(report);
  }
}
