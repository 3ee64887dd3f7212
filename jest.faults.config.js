/**
 * The fault-injection suite (`npm run test:faults`): the built API and worker run as their own
 * processes while PostgreSQL, Redis and the apps are killed and restarted under them. The suites
 * take shared services down, so they run one at a time and apart from the other tiers.
 */
const { serialTier } = require('./test/support/serial-tier.js');

module.exports = serialTier({
  testTimeout: 600_000,
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  globalSetup: '<rootDir>/test/faults/support/faults-setup.ts',
  globalTeardown: '<rootDir>/test/faults/support/faults-teardown.ts',
  setupFiles: ['reflect-metadata', 'tsconfig-paths/register'],
});
