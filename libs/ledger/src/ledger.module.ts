import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EmbeddedLedger } from './embedded/embedded-ledger';
import { FabricLedger } from './fabric/fabric-ledger';
import { loadFabricNetworkConfig } from './fabric/network-config';
import { LEDGER, type LedgerPort } from './ledger.port';

/** Which ledger the platform runs on; provided (globally) by the application's configuration. */
export const LEDGER_SETTINGS = Symbol('LEDGER_SETTINGS');

/** The ledger to use: the embedded one on PostgreSQL, or a Fabric network described by a file. */
export interface LedgerSettings {
  kind: 'embedded' | 'fabric';
  /** Path of the Fabric network description (see fabric/README.md); required for `fabric`. */
  fabricNetworkConfig?: string;
  /** Embedded: the ledger's head-signing key (PKCS#8 PEM, ECDSA P-256). */
  headKeyPem?: string;
  /** Embedded: blocks between signed checkpoints. */
  checkpointInterval?: number;
}

/** Builds the configured LedgerPort. */
export function createLedger(settings: LedgerSettings, dataSource?: DataSource): LedgerPort {
  if (settings.kind === 'fabric') {
    if (!settings.fabricNetworkConfig) throw new Error('the Fabric ledger needs a network description');
    return new FabricLedger(loadFabricNetworkConfig(settings.fabricNetworkConfig));
  }
  if (!dataSource) throw new Error('the embedded ledger needs the database');
  return new EmbeddedLedger(dataSource, {
    headKeyPem: settings.headKeyPem,
    checkpointInterval: settings.checkpointInterval,
  });
}

/** Provides the configured LedgerPort under the LEDGER token. */
@Module({
  providers: [
    {
      provide: LEDGER,
      inject: [getDataSourceToken(), LEDGER_SETTINGS],
      useFactory: (dataSource: DataSource, settings: LedgerSettings) => createLedger(settings, dataSource),
    },
  ],
  exports: [LEDGER],
})
export class LedgerModule {}
