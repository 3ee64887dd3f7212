import { z, type ZodType } from 'zod';

/** OpenAPI 3.0 schema of a zod schema, so validation and documentation come from one definition. */
export function openApiSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
  }) as Record<string, unknown>;
  return rest;
}
