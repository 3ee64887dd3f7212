/** Configuration read from the environment, validated once at start-up. */
export * from './app-config';
export * from './config.module';
export * from './secrets';
export * from './phi-keys';
export * from './ledger-head-key';
