import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { boundShutdown, startupChecks } from '@claimtrail/claims';
import { createWorkerApp } from './worker-app';

async function main(): Promise<void> {
  const config = await startupChecks();
  boundShutdown(config, 'worker');
  await createWorkerApp(config);
  new Logger('worker').log(
    `worker ready: ${config.WORKER_ROLES.join(', ')}; concurrency ${config.WORKER_CONCURRENCY}, ledger ${config.LEDGER}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `claimtrail worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
