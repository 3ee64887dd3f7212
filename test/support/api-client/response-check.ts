import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The committed OpenAPI document: what the API says it answers. */
export const OPENAPI_PATH = join(__dirname, '..', '..', '..', 'docs', 'openapi.json');

type Schema = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/**
 * An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes null among the allowed types,
 * exclusive bounds become numbers, and references point into the document registered with Ajv.
 */
function jsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, ...rest } = value as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(rest)) {
    out[k] = k === '$ref' && typeof v === 'string' ? `openapi${v}` : jsonSchema(v);
  }
  // OpenAPI 3.0 writes an exclusive bound as a flag beside minimum or maximum (JSON Schema draft 4).
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag]) out[flag] = out[bound];
    else delete out[flag];
    if (out[flag] !== undefined) delete out[bound];
  }
  if (nullable !== true) return out;
  return { anyOf: [out, { type: 'null' }] };
}

/** Checks answers of the API against the response schemas of its OpenAPI document. */
export class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Document) {
    addFormats(this.ajv);
    this.ajv.addSchema({ components: { schemas: jsonSchema(doc.components?.schemas ?? {}) } }, 'openapi');
  }

  /**
   * What is wrong with an answer to `method schemaPath` (a path template such as
   * `/v1/claims/{id}`), or undefined when it is one the document declares: its status, its media
   * type, and a JSON body that matches the schema declared for them.
   */
  problems(method: string, schemaPath: string, status: number, contentType: string | null, body: string) {
    const what = `${method.toUpperCase()} ${schemaPath} answered ${status}`;
    const operation = this.doc.paths[schemaPath]?.[method.toLowerCase()];
    if (!operation) return `${what}, but the document has no such operation`;
    const response = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (!response) {
      const declared = Object.keys(operation.responses ?? {}).join(', ');
      return `${what}, a status the document does not declare (it declares ${declared})`;
    }
    if (!response.content)
      return body.length > 0 ? `${what} with a body the document does not declare` : undefined;
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const media = response.content[mediaType];
    if (!media) {
      const declared = Object.keys(response.content).join(', ');
      return `${what} as ${mediaType || 'no media type'}; the document declares ${declared}`;
    }
    if (!/json$/.test(mediaType) || !media.schema) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return `${what} with a body that is not JSON: ${body.slice(0, 200)}`;
    }
    const key = `${schemaPath} ${method} ${status} ${mediaType}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(jsonSchema(media.schema) as Schema);
      this.compiled.set(key, validate);
    }
    if (validate(parsed)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 10)
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
      .join('; ');
    return `${what} with a body that does not match its schema: ${errors}`;
  }
}
