/**
 * Configuration read from the environment, validated once at start-up: a light entry, with nothing
 * of NestJS (ConfigModule is in the library's main entry), for the command line to start fast.
 */
export * from './app-config';
export * from './secrets';
export * from './phi-keys';
export * from './ledger-head-key';
