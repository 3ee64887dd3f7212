import { Global, Module } from '@nestjs/common';
import { LEDGER_SETTINGS, type LedgerSettings } from '@claimtrail/ledger/ledger.module';
import { ledgerSettings, loadConfig, type AppConfig } from './app-config';

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Validates configuration once at boot and makes it injectable everywhere. */
@Global()
@Module({
  providers: [
    { provide: APP_CONFIG, useFactory: () => loadConfig() },
    {
      provide: LEDGER_SETTINGS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): LedgerSettings => ledgerSettings(config),
    },
  ],
  exports: [APP_CONFIG, LEDGER_SETTINGS],
})
export class ConfigModule {}
