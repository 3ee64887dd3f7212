import { Global, Module } from '@nestjs/common';
import { LEDGER_SETTINGS, type LedgerSettings } from '@claimtrail/ledger/ledger.module';
import { APP_CONFIG, ledgerSettings, loadConfig, type AppConfig } from './app-config';

export { APP_CONFIG } from './app-config';

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
