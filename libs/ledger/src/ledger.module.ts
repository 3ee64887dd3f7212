import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EmbeddedLedger } from './embedded/embedded-ledger';
import { LEDGER } from './ledger.port';

/** Provides the configured LedgerPort under the LEDGER token. */
@Module({
  providers: [
    {
      provide: LEDGER,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new EmbeddedLedger(dataSource),
    },
  ],
  exports: [LEDGER],
})
export class LedgerModule {}
