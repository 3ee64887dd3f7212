import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiJson } from './common/openapi';
import { ResponseChecker } from '../../../test/support/api-client/response-check';
import { describeApi } from './openapi-document';

const ROOT = join(__dirname, '..', '..', '..');
const SPEC = join(ROOT, 'docs', 'openapi.json');
const CLIENT_SCHEMA = join(ROOT, 'test', 'support', 'api-client', 'schema.d.ts');
const STALE = 'is stale: run npm run openapi and commit what it writes';

describe('the committed OpenAPI document and client', () => {
  it('docs/openapi.json is the document the API serves at /docs-json', async () => {
    const served = openApiJson(await describeApi());
    if (served !== readFileSync(SPEC, 'utf8')) throw new Error(`docs/openapi.json ${STALE}`);
  });

  it('the typed client (schema.d.ts) is what openapi-typescript makes of docs/openapi.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const out = join(dir, 'schema.d.ts');
      const cli = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
      execFileSync(process.execPath, [cli, SPEC, '-o', out], { stdio: 'pipe' });
      if (readFileSync(out, 'utf8') !== readFileSync(CLIENT_SCHEMA, 'utf8')) {
        throw new Error(`test/support/api-client/schema.d.ts ${STALE}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes every response of every operation, errors as problem+json', async () => {
    const doc = await describeApi();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: object }>)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const content = (response as { content?: Record<string, { schema?: object }> }).content;
          const where = `${method.toUpperCase()} ${path} ${status}`;
          expect([where, content && Object.values(content).every((m) => m.schema)]).toEqual([where, true]);
          if (Number(status) >= 400)
            expect([where, Object.keys(content!)]).toEqual([where, ['application/problem+json']]);
        }
      }
    }
  });

  it('the test client refuses an answer the document does not declare', () => {
    const checker = new ResponseChecker();
    const problem = {
      type: 'urn:claimtrail:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'claim not found',
      instance: '/v1/claims/x',
      correlationId: 'c',
    };
    const json = 'application/problem+json';
    const check = (status: number, type: string, body: unknown) =>
      checker.problems('GET', '/v1/claims/{id}', status, type, JSON.stringify(body));
    expect(check(404, json, problem)).toBeUndefined();
    expect(check(404, json, { ...problem, stack: 'at ...' })).toMatch(/does not match its schema/);
    expect(check(404, 'application/json', problem)).toMatch(/declares application\/problem\+json/);
    expect(check(418, json, problem)).toMatch(/a status the document does not declare/);
    expect(check(200, 'application/json', { id: 'not a claim' })).toMatch(/does not match its schema/);
  });
});
