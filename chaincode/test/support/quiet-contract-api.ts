import 'fabric-contract-api';

/*
 * Side-effect module: import it before the contract class. Loading fabric-contract-api installs
 * process-wide `uncaughtException` and `unhandledRejection` listeners, and its decorators log
 * every transaction at info level while the contract class loads; inside a peer that is the
 * shim's choice, inside a test runner it hides failures and fills the output.
 */

interface ContractApiLogger {
  getLogger(name: string): { exceptions?: { unhandle(): void } };
  setLevel(level: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const logger = require('fabric-contract-api/lib/logger') as ContractApiLogger;

logger.getLogger('_').exceptions?.unhandle();
for (const listener of process.listeners('unhandledRejection')) {
  if (listener.name === 'loggerUnhandledRejectionFn') process.removeListener('unhandledRejection', listener);
}
logger.setLevel('WARNING');
