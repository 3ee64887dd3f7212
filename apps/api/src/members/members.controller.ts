import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MembersService, type Principal, type MemberView } from '@claimtrail/claims';
import { freeText, isoDate } from '@claimtrail/claims/domain';
import { CurrentPrincipal, Roles, Scope } from '../auth/auth.decorators';
import { ApiAnswer, ApiProblems, BODY_PROBLEMS, KEYED_PROBLEMS, openApiSchema } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

const memberSchema = z
  .strictObject({
    memberNumber: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be 1-32 letters, digits or -'),
    planId: z.uuid({ error: 'must be a plan id (UUID)' }),
    fullName: freeText(200),
    phone: z
      .string({ error: 'must be a string' })
      .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number such as +254 712 345678')
      .optional(),
    birthDate: isoDate,
    sex: z.enum(['F', 'M', 'X'], { error: 'must be F, M or X' }),
    coverageStart: isoDate,
    coverageEnd: isoDate,
    status: z
      .enum(['active', 'suspended', 'terminated'], { error: 'must be active, suspended or terminated' })
      .optional(),
  })
  .refine((m) => m.coverageStart <= m.coverageEnd, {
    path: ['coverageEnd'],
    message: 'must not be before coverageStart',
  });

/** Body of POST /v1/members. */
export const enrolMembersSchema = z
  .strictObject({
    members: z
      .array(memberSchema)
      .min(1, 'must hold at least one member')
      .max(10_000, 'must hold at most 10000 members'),
  })
  .superRefine((body, ctx) => {
    const seen = new Map<string, number>();
    body.members.forEach((m, i) => {
      if (seen.has(m.memberNumber))
        ctx.addIssue({
          code: 'custom',
          path: ['members', i, 'memberNumber'],
          message: `repeats members.${seen.get(m.memberNumber)}.memberNumber`,
        });
      else seen.set(m.memberNumber, i);
    });
  });

/** Member enrolment by payers. */
@ApiTags('members')
@ApiBearerAuth()
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1/members')
@Scope('plans')
@Roles('payer')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @ApiOperation({ summary: 'Enrol or renew members in bulk (all or none)' })
  @ApiBody({ schema: openApiSchema(enrolMembersSchema) })
  @ApiAnswer(201, 'Enrolment', 'Enrolled or renewed, all of them')
  @ApiProblems(...BODY_PROBLEMS, 409, 422)
  async enrol(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(enrolMembersSchema)) body: z.output<typeof enrolMembersSchema>,
  ): Promise<{ members: { id: string; memberNumber: string }[] }> {
    return { members: await this.members.enrol(p.orgId, body.members) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A member of this payer' })
  @ApiAnswer(200, 'Member')
  @ApiProblems(400, 404, 409)
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(z.uuid({ error: 'must be a member id (UUID)' }), 'id')) id: string,
  ): Promise<MemberView> {
    const m = await this.members.get(p.orgId, id);
    return {
      id: m.id,
      memberNumber: m.memberNumber,
      planId: m.planId,
      fullName: m.fullName,
      birthDate: m.birthDate,
      sex: m.sex,
      coverageStart: m.coverageStart,
      coverageEnd: m.coverageEnd,
      status: m.status,
      phone: m.phone,
    };
  }
}
