import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { ResponseChecker } from './response-check';

export { OPENAPI_PATH } from './response-check';

export type { components, paths } from './schema';

/** The API's named schemas (components.schemas), as TypeScript types. */
export type Schemas = components['schemas'];

/** The JSON body an operation takes. */
export type RequestBody<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The media types the typed client reads: JSON and problem+json (a CSV report is read with fetch). */
type JsonMedia = `${string}/${string}json`;

/** The typed client of the API (openapi-fetch over the generated schema.d.ts). */
export type ApiClient = Client<paths, JsonMedia>;

let checker: ResponseChecker | undefined;

/**
 * Fails the request (the client's promise rejects) when an answer is not one the OpenAPI
 * document declares: an undeclared status or media type, or a body that does not match its schema.
 */
export const checkResponses: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    checker ??= new ResponseChecker();
    const body = await response.clone().text();
    const problem = checker.problems(
      request.method,
      schemaPath,
      response.status,
      response.headers.get('content-type'),
      body,
    );
    if (problem) throw new Error(`${problem}\nbody: ${body.slice(0, 2000)}`);
    return undefined;
  },
};

/** A typed client for one organization's API key (none: unauthenticated), checking every answer. */
export function apiClient(baseUrl: string, apiKey?: string): ApiClient {
  const client = createClient<paths, JsonMedia>({
    baseUrl,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
  client.use(checkResponses);
  return client;
}

/** An answer of the typed client. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of an answer with the expected status; otherwise an error naming what came instead. */
export function expectStatus<T>(answer: Answer<T>, status: number): T {
  if (answer.response.status !== status) {
    throw new Error(
      `expected ${status} from ${answer.response.url}, got ${answer.response.status}: ${JSON.stringify(answer.error ?? answer.data)}`,
    );
  }
  return answer.data as T;
}
