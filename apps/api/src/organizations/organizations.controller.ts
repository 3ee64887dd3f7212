import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OrganizationsService } from '@claimtrail/claims/application/organizations.service';
import { Roles } from '../auth/auth.decorators';
import { openApiSchema } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

/** Body of POST /v1/organizations. */
export const createOrganizationSchema = z.strictObject({
  kind: z.enum(['payer', 'provider', 'funder', 'operator'], {
    error: 'must be payer, provider, funder or operator',
  }),
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
});

/** Organizations are created by the platform operator. */
@ApiTags('organizations')
@ApiBearerAuth()
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Create an organization; its first API key is shown once' })
  @ApiBody({ schema: openApiSchema(createOrganizationSchema) })
  async create(@Body(new ZodPipe(createOrganizationSchema)) body: z.output<typeof createOrganizationSchema>) {
    const { organization, apiKey } = await this.orgs.create(body.kind, body.name);
    return {
      id: organization.id,
      kind: organization.kind,
      name: organization.name,
      signingPublicKey: organization.signingPublicKey,
      createdAt: organization.createdAt.toISOString(),
      apiKey,
    };
  }
}
