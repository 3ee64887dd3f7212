import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { openApiJson } from './common/openapi';
import { describeApi } from './openapi-document';

/** Writes the API's OpenAPI document to the file named (default docs/openapi.json): `npm run openapi`. */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'docs/openapi.json';
  writeFileSync(out, openApiJson(await describeApi()));
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
