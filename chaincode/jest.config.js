/**
 * The chaincode's own specs (`npm test` here; the root `npm test` runs them as its `chaincode`
 * project): the contract run against an in-memory stub, with nothing of the platform.
 */
module.exports = {
  displayName: 'chaincode',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Type checking is tsc's job (tsconfig.test.json); the specs only transpile.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  // Loading fabric-contract-api hooks the process and logs every decorator: quiet it first.
  setupFiles: ['<rootDir>/test/support/quiet-contract-api.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist'],
};
