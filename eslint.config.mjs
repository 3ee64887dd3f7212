// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'chaincode/node_modules/**', 'chaincode/dist/**', 'coverage/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: [
      '.dependency-cruiser.cjs',
      'bin/**/*.js',
      'jest.config.js',
      'jest.faults.config.js',
      'jest.fabric.config.js',
      'chaincode/jest.config.js',
      'test/support/*.js',
      'fabric/**/*.js',
    ],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Loaded when needed, not at start-up: each `claimtrail` command's own modules when it runs (an
    // offline `verify` never loads NestJS, BullMQ or the Fabric client), and the Fabric proof
    // verifier for a Fabric proof only. Only the project's own modules, named relatively, and typed
    // with `as typeof import(...)`.
    files: ['apps/cli/src/**/*.ts', 'libs/ledger/src/proof/verify-proof-bundle.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: ['^\\.\\.?/'] }] },
  },
  {
    // Test helpers read loosely typed JSON answers on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Chaincode must give every peer the same result: no clock, no randomness.
    files: ['chaincode/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Use the transaction timestamp.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use the transaction timestamp.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Chaincode is deterministic.',
        },
      ],
    },
  },
  {
    // The domain is pure: no framework, persistence, queue or environment access (see STYLE.md).
    files: ['libs/claims/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'The domain must not depend on NestJS.' },
            { group: ['typeorm', 'typeorm/*', 'pg', 'ioredis'], message: 'The domain must not do I/O.' },
            { group: ['bullmq', '@nestjs/bullmq'], message: 'The domain must not know about queues.' },
            {
              group: [
                '../infra/*',
                '../queue/*',
                '../config/*',
                '../common/*',
                '../platform/*',
                '../observability/*',
                '../access/*',
                '../intake/*',
                '../coverage/*',
                '../adjudication/*',
                '../ledger-sync/*',
                '../funds-payments/*',
              ],
              message: 'The domain depends on nothing outside it.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Configuration comes in as arguments, never from process.env.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The decision time is an input; do not read the clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Adjudication is deterministic.',
        },
      ],
    },
  },
);
