/**
 * Loading fabric-contract-api installs process-wide `uncaughtException` (winston, exitOnError
 * false) and `unhandledRejection` listeners, so a host process would survive crashes it should
 * not. Inside a peer that is the shim's choice; inside the API and worker it is not ours to make.
 */
export function releaseContractApiProcessHooks(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contractApiLogger = require('fabric-contract-api/lib/logger') as {
    getLogger(name: string): { exceptions?: { unhandle(): void } };
  };
  contractApiLogger.getLogger('_').exceptions?.unhandle();
  for (const listener of process.listeners('unhandledRejection')) {
    if (listener.name === 'loggerUnhandledRejectionFn') process.removeListener('unhandledRejection', listener);
  }
}
