import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText, ruleSetSchema } from '@claimtrail/claims/domain';
import {
  type PlanVersionView,
  type PlanViewBody,
  type Principal,
  PlansService,
  type PlanView,
  type PlanVersion,
} from '@claimtrail/claims';
import { CurrentPrincipal, Roles, Scope } from '../auth/auth.decorators';
import { ApiAnswer, ApiProblems, BODY_PROBLEMS, KEYED_PROBLEMS, openApiSchema } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

// The rule set itself is validated by the domain on publish, which names every offending path.
const createPlanSchema = z.strictObject({
  name: freeText(200),
  ruleSet: z.unknown(),
});
const publishVersionSchema = z.strictObject({ ruleSet: z.unknown() });
const planIdSchema = z.uuid({ error: 'must be a plan id (UUID)' });
// What the document shows of those bodies: the rule set in full, as publishing checks it.
const ruleSetDoc = ruleSetSchema.describe(
  'The benefit rules of the version; checked on publish, every offending path named (422 invalid_rule_set)',
);
const createPlanDoc = createPlanSchema.extend({ ruleSet: ruleSetDoc });
const publishVersionDoc = publishVersionSchema.extend({ ruleSet: ruleSetDoc });

const versionView = (v: PlanVersion): PlanVersionView => ({
  id: v.id,
  version: v.version,
  ruleSetHash: v.ruleSetHash,
  ruleSet: v.ruleSet as PlanVersionView['ruleSet'],
  publishedAt: v.publishedAt.toISOString(),
});
const planView = ({ plan, versions }: PlanView): PlanViewBody => ({
  id: plan.id,
  payerId: plan.payerId,
  name: plan.name,
  createdAt: plan.createdAt.toISOString(),
  versions: versions.map(versionView),
});

/** Benefit plans and their immutable versions. */
@ApiTags('plans')
@ApiBearerAuth()
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1/plans')
@Scope('plans')
@Roles('payer')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @ApiOperation({ summary: 'Create a plan and publish its first rule-set version' })
  @ApiBody({ schema: openApiSchema(createPlanDoc) })
  @ApiAnswer(201, 'Plan', 'Created, with its first version')
  @ApiProblems(...BODY_PROBLEMS, 422)
  async create(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(createPlanSchema)) body: z.output<typeof createPlanSchema>,
  ): Promise<PlanViewBody> {
    return planView(await this.plans.create(p.orgId, body.name, body.ruleSet));
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'Publish the next version of a plan' })
  @ApiBody({ schema: openApiSchema(publishVersionDoc) })
  @ApiAnswer(201, 'PlanVersion', 'Published')
  @ApiProblems(...BODY_PROBLEMS, 404, 422)
  async publish(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(planIdSchema, 'id')) id: string,
    @Body(new ZodPipe(publishVersionSchema)) body: z.output<typeof publishVersionSchema>,
  ): Promise<PlanVersionView> {
    return versionView(await this.plans.publishVersion(p.orgId, id, body.ruleSet));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A plan with all its versions' })
  @ApiAnswer(200, 'Plan')
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(planIdSchema, 'id')) id: string,
  ): Promise<PlanViewBody> {
    return planView(await this.plans.get(p.orgId, id));
  }
}
