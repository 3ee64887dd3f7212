import 'fabric-contract-api';

/*
 * Side-effect module: import it before the contract class. Loading fabric-contract-api installs
 * process-wide `uncaughtException` (winston, exitOnError false) and `unhandledRejection`
 * listeners, so a host process would survive crashes it should not; inside a peer that is the
 * shim's choice, inside the API and worker it is not. Its decorators also log every transaction
 * at info level while the contract class loads, which is noise in a host process's logs.
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

// setLevel also writes the peer's logging variable; put it back so nothing else is affected.
const peerLevel = process.env.CORE_CHAINCODE_LOGGING_LEVEL;
logger.setLevel('WARNING');
if (peerLevel === undefined) delete process.env.CORE_CHAINCODE_LOGGING_LEVEL;
else process.env.CORE_CHAINCODE_LOGGING_LEVEL = peerLevel;
