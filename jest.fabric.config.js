/**
 * The Fabric tier (`npm run test:fabric`): the claim pipeline's, the funds' and the ledger
 * refusals' end-to-end suites and the Fabric suites against a real network of native orderer and peer processes, started by
 * the global setup (`npm run fabric:up`) and stopped afterwards (unless FABRIC_KEEP=1). Suites
 * share the network, and one of them stops a peer, so they run one at a time.
 */
const { serialTier } = require('./test/support/serial-tier.js');

module.exports = serialTier({
  testTimeout: 300_000,
  displayName: 'fabric',
  testMatch: [
    '<rootDir>/test/e2e/claim-pipeline.e2e-spec.ts',
    '<rootDir>/test/e2e/funds.e2e-spec.ts',
    '<rootDir>/test/e2e/ledger-refusals.e2e-spec.ts',
    '<rootDir>/test/fabric/**/*.fabric-spec.ts',
  ],
  globalSetup: '<rootDir>/test/fabric/support/fabric-setup.ts',
  globalTeardown: '<rootDir>/test/fabric/support/fabric-teardown.ts',
  setupFiles: ['reflect-metadata', '<rootDir>/test/fabric/support/fabric-env.ts'],
});
