import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText } from '@claimtrail/claims/domain';
import {
  API_KEY_SCOPES,
  AccessLogWriter,
  keyEvent,
  parseApiKey,
  ApiKeysService,
  OrganizationsService,
  type Principal,
  type ApiKeyView,
  type CreatedOrganization,
  type IssuedApiKey,
  type OrganizationPublicKey,
  type RotatedApiKey,
} from '@claimtrail/claims';
import { CurrentPrincipal, Roles, Scope } from '../auth/auth.decorators';
import { ApiAnswer, ApiProblems, BODY_PROBLEMS, KEYED_PROBLEMS, openApiSchema } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

/** Body of POST /v1/organizations. */
export const createOrganizationSchema = z.strictObject({
  kind: z.enum(['payer', 'provider', 'funder', 'operator'], {
    error: 'must be payer, provider, funder or operator',
  }),
  name: freeText(200),
});

const orgIdSchema = z.uuid({ error: 'must be an organization id (UUID)' });
const keyIdSchema = z.uuid({ error: 'must be an API key id (UUID)' });
const createKeySchema = z.strictObject({
  label: freeText(100),
  // Absent: the default scopes of the organization's kind (docs/api.md).
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { error: `each must be one of ${API_KEY_SCOPES.join(', ')}` }))
    .min(1, 'must name at least one scope')
    .max(API_KEY_SCOPES.length, `must name at most ${API_KEY_SCOPES.length} scopes`)
    .optional(),
});
const rotateKeySchema = z.strictObject({
  graceSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be from 0 to 86400')
    .max(86_400, 'must be from 0 to 86400')
    .default(0),
});

/**
 * Organizations are created by the platform operator with their first, admin-scoped key; each
 * manages its own keys with an admin-scoped key. The operator may also revoke any key.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1/organizations')
@Scope('any')
export class OrganizationsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly keys: ApiKeysService,
    private readonly audit: AccessLogWriter,
  ) {}

  @Post()
  @Roles('operator')
  @Scope('admin')
  @ApiOperation({ summary: 'Create an organization; its first API key is shown once' })
  @ApiBody({ schema: openApiSchema(createOrganizationSchema) })
  @ApiAnswer(201, 'CreatedOrganization', 'Created, with its first admin key (shown once)')
  @ApiProblems(...BODY_PROBLEMS, 422)
  async create(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(createOrganizationSchema)) body: z.output<typeof createOrganizationSchema>,
  ): Promise<CreatedOrganization> {
    const { organization, apiKey } = await this.orgs.create(body.kind, body.name, p);
    // The first key is named by the organization and the key's public prefix.
    const event = keyEvent('key_issued', p, [organization.id], organization.id, 'organizations.create');
    this.audit.record({
      ...event,
      detail: { ...event.detail, keyPrefix: parseApiKey(apiKey)?.prefix ?? '' },
    });
    return {
      id: organization.id,
      kind: organization.kind,
      name: organization.name,
      signingPublicKey: organization.signingPublicKey,
      createdAt: organization.createdAt.toISOString(),
      apiKey,
    };
  }

  @Get(':id/public-key')
  @ApiOperation({ summary: "An organization's published ledger signing key, to check proofs against" })
  @ApiAnswer(200, 'OrganizationPublicKey')
  @ApiProblems(400, 404)
  async publicKey(@Param('id', new ZodPipe(orgIdSchema, 'id')) id: string): Promise<OrganizationPublicKey> {
    const org = await this.orgs.get(id);
    return {
      id: org.id,
      kind: org.kind,
      name: org.name,
      mspId: org.mspId,
      signingPublicKey: org.signingPublicKey,
    };
  }

  @Get(':id/keys')
  @ApiOperation({ summary: "List an organization's API keys (never their secrets)" })
  @ApiAnswer(200, ['ApiKey'])
  @ApiProblems(400, 404)
  listKeys(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(orgIdSchema, 'id')) id: string,
  ): Promise<ApiKeyView[]> {
    return this.keys.list(p, id);
  }

  @Post(':id/keys')
  @ApiOperation({
    summary: 'Issue a new API key (admin scope, own organization only); the key is shown once',
  })
  @ApiBody({ schema: openApiSchema(createKeySchema) })
  @ApiAnswer(201, 'IssuedApiKey', 'Issued; the key is shown once')
  @ApiProblems(...BODY_PROBLEMS, 404, 409, 422)
  createKey(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(orgIdSchema, 'id')) id: string,
    @Body(new ZodPipe(createKeySchema)) body: z.output<typeof createKeySchema>,
  ): Promise<IssuedApiKey> {
    return this.keys.create(p, id, body.label, body.scopes);
  }

  @Post(':id/keys/:keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiAnswer(200, 'ApiKey', 'Revoked')
  @ApiProblems(...BODY_PROBLEMS, 404, 409)
  revokeKey(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(orgIdSchema, 'id')) id: string,
    @Param('keyId', new ZodPipe(keyIdSchema, 'keyId')) keyId: string,
  ): Promise<ApiKeyView> {
    return this.keys.revoke(p, id, keyId);
  }

  @Post(':id/keys/:keyId/rotate')
  @ApiOperation({ summary: 'Replace an API key; the old one stops working after graceSeconds' })
  @ApiBody({ schema: openApiSchema(rotateKeySchema) })
  @ApiAnswer(201, 'RotatedApiKey', 'Rotated; the new key is shown once')
  @ApiProblems(...BODY_PROBLEMS, 404, 409, 422)
  rotateKey(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(orgIdSchema, 'id')) id: string,
    @Param('keyId', new ZodPipe(keyIdSchema, 'keyId')) keyId: string,
    @Body(new ZodPipe(rotateKeySchema)) body: z.output<typeof rotateKeySchema>,
  ): Promise<RotatedApiKey> {
    return this.keys.rotate(p, id, keyId, body.graceSeconds);
  }
}
