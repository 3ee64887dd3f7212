/**
 * Three tiers: pure unit specs beside the code (and the chaincode's, run from its own package),
 * integration against real services, end-to-end over HTTP.
 */
const moduleNameMapper = {
  '^@claimtrail/claims$': '<rootDir>/libs/claims/src',
  '^@claimtrail/claims/(.*)$': '<rootDir>/libs/claims/src/$1',
  '^@claimtrail/ledger$': '<rootDir>/libs/ledger/src',
  '^@claimtrail/ledger/(.*)$': '<rootDir>/libs/ledger/src/$1',
  '^@claimtrail/chaincode$': '<rootDir>/chaincode/src',
  '^@claimtrail/chaincode/(.*)$': '<rootDir>/chaincode/src/$1',
};

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  // Type checking is `npm run typecheck`'s job; the suites only transpile.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    // Swagger UI's static-file plugin pulls in an ES-module-only package that Jest on Node 20 cannot require.
    '/node_modules/content-disposition/.+\\.js$': [
      'babel-jest',
      { plugins: ['@babel/plugin-transform-modules-commonjs'] },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  // .fabric holds a running network's state (the orderer's raft snapshots are *.snap files too).
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/chaincode/dist', '<rootDir>/.fabric'],
};

// Each project gets its own freshly migrated database: suites that tamper with the ledger on purpose
// must not disturb one another.
const withServices = (name) => ({
  displayName: name,
  globalSetup: `<rootDir>/test/support/${name}-setup.ts`,
  globalTeardown: `<rootDir>/test/support/${name}-teardown.ts`,
  setupFiles: ['reflect-metadata', `<rootDir>/test/support/${name}-env.ts`],
});

module.exports = {
  // Suites that drive the whole stack wait for real work (hundreds of claims, ledger commits).
  testTimeout: 180_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
      setupFiles: ['reflect-metadata'],
    },
    // The chaincode's specs, from its own package's configuration (chaincode/jest.config.js).
    require('./chaincode/jest.config.js'),
    { ...base, ...withServices('integration'), testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    {
      ...base,
      ...withServices('e2e'),
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
