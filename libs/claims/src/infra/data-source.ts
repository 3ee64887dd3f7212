import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  EmbeddedLedgerSchema1764000001000,
  EmbeddedLedgerStateReferences1764000011000,
  EmbeddedLedgerWriteSets1764000013000,
  EmbeddedLedgerSaltedWrites1764000016000,
  ledgerEntities,
} from '@claimtrail/ledger';
import type { AppConfig } from '../config/app-config';
import { EncryptedColumnsSubscriber } from './crypto/encrypted-columns.subscriber';
import { configurePhiCipher } from './crypto/phi-cipher.registry';
import { claimsEntities } from './entities';
import { CoreSchema1764000000000 } from './migrations/1764000000000-core-schema';
import { ServiceCatalogue1764000000500 } from './migrations/1764000000500-service-catalogue';
import { BenefitRules1764000002000 } from './migrations/1764000002000-benefit-rules';
import { AccessControl1764000003000 } from './migrations/1764000003000-access-control';
import { PhiEncryption1764000004000 } from './migrations/1764000004000-phi-encryption';
import { FundsAndPayments1764000005000 } from './migrations/1764000005000-funds-and-payments';
import { ApprovedHistoryIndex1764000006000 } from './migrations/1764000006000-approved-history-index';
import { ClaimLinesOnClaim1764000007000 } from './migrations/1764000007000-claim-lines-on-claim';
import { DiagnosisApprovedTotals1764000008000 } from './migrations/1764000008000-diagnosis-approved-totals';
import { ApprovedLinesOnClaim1764000009000 } from './migrations/1764000009000-approved-lines-on-claim';
import { UnsettledClaimsIndex1764000010000 } from './migrations/1764000010000-unsettled-claims-index';
import { ClaimRecordReferences1764000011500 } from './migrations/1764000011500-claim-record-references';
import { LedgerEventCheckpoints1764000012000 } from './migrations/1764000012000-ledger-event-checkpoints';
import { IntegrityMismatches1764000014000 } from './migrations/1764000014000-integrity-mismatches';
import { PaymentAttemptsAndFundBudgets1764000014200 } from './migrations/1764000014200-payment-attempts-and-fund-budgets';
import { ApiKeyScopesAndIssuers1764000017000 } from './migrations/1764000017000-api-key-scopes-and-issuers';
import { PhiRowBinding1764000018000 } from './migrations/1764000018000-phi-row-binding';
import { AccessLogChain1764000020000 } from './migrations/1764000020000-access-log-chain';

/** Every migration, in the order they apply; listed explicitly so compiled and source runs agree. */
export const migrations = [
  CoreSchema1764000000000,
  ServiceCatalogue1764000000500,
  EmbeddedLedgerSchema1764000001000,
  BenefitRules1764000002000,
  AccessControl1764000003000,
  PhiEncryption1764000004000,
  FundsAndPayments1764000005000,
  ApprovedHistoryIndex1764000006000,
  ClaimLinesOnClaim1764000007000,
  DiagnosisApprovedTotals1764000008000,
  ApprovedLinesOnClaim1764000009000,
  UnsettledClaimsIndex1764000010000,
  EmbeddedLedgerStateReferences1764000011000,
  ClaimRecordReferences1764000011500,
  LedgerEventCheckpoints1764000012000,
  EmbeddedLedgerWriteSets1764000013000,
  IntegrityMismatches1764000014000,
  PaymentAttemptsAndFundBudgets1764000014200,
  EmbeddedLedgerSaltedWrites1764000016000,
  ApiKeyScopesAndIssuers1764000017000,
  PhiRowBinding1764000018000,
  AccessLogChain1764000020000,
];

/** What opening the platform database needs from configuration. */
export type DatabaseConfig = Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'PHI_KEYS'>;

/**
 * TypeORM options for the platform database. Schema changes only ever come from migrations.
 * Also installs the PHI cipher, since every DataSource is built from here and its encrypted
 * columns (and the migrations) need the keyring.
 */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  configurePhiCipher(config);
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: [...claimsEntities, ...ledgerEntities],
    migrations,
    // Encrypted columns are sealed and opened here, where the row's primary key is known.
    subscribers: [EncryptedColumnsSubscriber],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: config.DATABASE_POOL_SIZE, connectionTimeoutMillis: 5_000 },
  };
}

/** Creates and connects a DataSource. */
export async function connectDataSource(config: DatabaseConfig): Promise<DataSource> {
  return new DataSource(dataSourceOptions(config)).initialize();
}
