import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiQuery, ApiResponse, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z, type ZodType } from 'zod';
import * as views from '@claimtrail/claims';
import { ruleSetSchema } from '@claimtrail/claims/domain';
import { problemSchema, PROBLEM_CONTENT_TYPE } from './problem';

/** OpenAPI 3.0 schema of a zod schema, so validation and documentation come from one definition. */
export function openApiSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
  }) as Record<string, unknown>;
  return rest;
}

/**
 * The named schemas of the document (components.schemas): every response body, and the rule set
 * both as plans answer it and as they take it. A schema nested in another named one is referred
 * to by name rather than repeated.
 */
const COMPONENTS = {
  Problem: problemSchema,
  RuleSet: ruleSetSchema,
  IntegrityMismatch: views.integrityMismatchSchema,
  ClaimDecision: views.claimDecisionSchema,
  Claim: views.claimViewSchema,
  ClaimPage: views.claimPageSchema,
  AcceptedClaim: views.acceptedClaimSchema,
  SubmissionResult: views.submissionResultSchema,
  BatchSubmission: views.batchSubmissionSchema,
  ReviewResult: views.reviewResultSchema,
  LedgerRetryResult: views.ledgerRetryResultSchema,
  Payment: views.paymentSchema,
  PaymentBatch: views.paymentBatchSchema,
  FundEarmarks: views.fundEarmarksSchema,
  Fund: views.fundViewSchema,
  FundReport: views.fundReportSchema,
  PlanVersion: views.planVersionViewSchema,
  Plan: views.planViewSchema,
  Enrolment: views.enrolmentSchema,
  Member: views.memberViewSchema,
  CreatedOrganization: views.createdOrganizationSchema,
  OrganizationPublicKey: views.organizationPublicKeySchema,
  ApiKey: views.apiKeyViewSchema,
  IssuedApiKey: views.issuedApiKeySchema,
  RotatedApiKey: views.rotatedApiKeySchema,
  AccessLogEntry: views.accessLogViewSchema,
  LedgerHead: views.ledgerHeadSchema,
  ProofBundle: views.proofSchema,
  TrustAnchor: views.trustAnchorSchema,
} satisfies Record<string, ZodType>;

/** The name of a schema in components.schemas. */
export type ComponentName = keyof typeof COMPONENTS;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

/** components.schemas: the response schemas as OpenAPI 3.0, referring to one another by name. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  // Each would carry its own $id, which OpenAPI 3.0 has no place for.
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $id: _id, $schema: _s, ...schema }]) => [name, schema]),
  );
}

/** What each problem status stands for, as the document describes it. */
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failed (each offending field in `errors`), a malformed body, or an invalid cursor',
  401: 'No API key, or one that is unknown or revoked',
  403: "The organization's kind or the key's scopes do not allow this",
  404: 'Not found, or not visible to this organization',
  409: 'Conflicts with the current state, the ledger, or what is stored (integrity)',
  413: 'Body larger than the limit',
  415: 'Body not sent as application/json',
  422: 'Well-formed but refused (unknown references, rules, budgets, the ledger’s chaincode)',
  429: 'Rate limit exceeded; retry after Retry-After seconds',
  502: 'The ledger network failed the request',
  503: 'A service the platform depends on (PostgreSQL, Redis, the ledger) is unavailable; see Retry-After',
};

/** Problem+json answers (RFC 9457) a route can give, one per status. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
      }),
    ),
  );
}

/** What every route behind an API key can answer: no key, a key not allowed, too many requests, a service down. */
export const KEYED_PROBLEMS = [401, 403, 429, 503];

/** The problems of a route that takes a JSON body, before its own rules: shape, size, media type. */
export const BODY_PROBLEMS = [400, 413, 415];

/** A route's successful answer: a named schema, or an array of one. */
export function ApiAnswer(status: number, body: ComponentName | [ComponentName], description = 'OK') {
  const schema = Array.isArray(body) ? { type: 'array', items: ref(body[0]) } : ref(body);
  return ApiResponse({ status, description, content: { 'application/json': { schema } } });
}

/** The API's OpenAPI document, from the app's routes and the zod schemas of what they take and answer. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('claimtrail')
    .setDescription(
      'Health-insurance claims with a tamper-evident ledger trail. Every error is answered as ' +
        'application/problem+json (RFC 9457) with a correlation id.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key of an organization' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...componentSchemas() },
  };
  return document;
}

/** The document as the committed docs/openapi.json holds it. */
export function openApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The query parameters of a route, one per field of the zod object that validates its query. */
export function ApiQueryFrom(schema: z.ZodObject) {
  const json = openApiSchema(schema) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({
        name,
        required: json.required?.includes(name) ?? false,
        schema: property,
        description: typeof property.description === 'string' ? property.description : undefined,
      }),
    ),
  );
}
