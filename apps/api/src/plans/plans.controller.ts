import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText } from '@claimtrail/claims/domain';
import type { Principal } from '@claimtrail/claims/access/organizations.service';
import { PlansService, type PlanView } from '@claimtrail/claims/coverage/plans.service';
import type { PlanVersion } from '@claimtrail/claims/coverage/plans.repository';
import { CurrentPrincipal, Roles, Scope } from '../auth/auth.decorators';
import { ZodPipe } from '../common/zod-body.pipe';

// The rule set itself is validated by the domain on publish, which names every offending path.
const createPlanSchema = z.strictObject({
  name: freeText(200),
  ruleSet: z.unknown(),
});
const publishVersionSchema = z.strictObject({ ruleSet: z.unknown() });
const planIdSchema = z.uuid({ error: 'must be a plan id (UUID)' });

const versionView = (v: PlanVersion) => ({
  id: v.id,
  version: v.version,
  ruleSetHash: v.ruleSetHash,
  ruleSet: v.ruleSet,
  publishedAt: v.publishedAt.toISOString(),
});
const planView = ({ plan, versions }: PlanView) => ({
  id: plan.id,
  payerId: plan.payerId,
  name: plan.name,
  createdAt: plan.createdAt.toISOString(),
  versions: versions.map(versionView),
});

/** Benefit plans and their immutable versions. */
@ApiTags('plans')
@ApiBearerAuth()
@Controller('v1/plans')
@Scope('plans')
@Roles('payer')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @ApiOperation({ summary: 'Create a plan and publish its first rule-set version' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['name', 'ruleSet'],
      properties: { name: { type: 'string' }, ruleSet: { type: 'object' } },
    },
  })
  async create(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(createPlanSchema)) body: z.output<typeof createPlanSchema>,
  ) {
    return planView(await this.plans.create(p.orgId, body.name, body.ruleSet));
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'Publish the next version of a plan' })
  @ApiBody({ schema: { type: 'object', required: ['ruleSet'], properties: { ruleSet: { type: 'object' } } } })
  async publish(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(planIdSchema, 'id')) id: string,
    @Body(new ZodPipe(publishVersionSchema)) body: z.output<typeof publishVersionSchema>,
  ) {
    return versionView(await this.plans.publishVersion(p.orgId, id, body.ruleSet));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A plan with all its versions' })
  async get(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(planIdSchema, 'id')) id: string) {
    return planView(await this.plans.get(p.orgId, id));
  }
}
