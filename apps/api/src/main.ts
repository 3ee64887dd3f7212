import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { boundShutdown, startupChecks } from '@claimtrail/claims';
import { createApiApp } from './api-app';

async function main(): Promise<void> {
  const config = await startupChecks();
  boundShutdown(config, 'api');
  const app = await createApiApp(config);
  await app.listen(config.PORT, config.HOST);
  new Logger('api').log(`listening on http://${config.HOST}:${config.PORT} (OpenAPI at /docs)`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `claimtrail api failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
