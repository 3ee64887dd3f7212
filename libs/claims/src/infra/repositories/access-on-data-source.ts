import type { DataSource } from 'typeorm';
import type { LedgerPort } from '@claimtrail/ledger';
import { AccessLogVerifier } from '../../access/access-log/access-log-verifier';
import { AccessLogWriter } from '../../access/access-log/access-log-writer';
import { ApiKeysService } from '../../access/api-keys.service';
import { OrganizationsService } from '../../access/organizations.service';
import type { AppConfig } from '../../config/app-config';
import { TypeOrmAccessLogRepository } from './typeorm-access-log.repository';
import { TypeOrmApiKeysRepository } from './typeorm-api-keys.repository';
import { TypeOrmOrganizationsRepository } from './typeorm-organizations.repository';
import { TypeOrmTransactions } from './typeorm-transactions';

/*
 * The access slice's use cases on a data source the caller opened, with their PostgreSQL
 * repositories: for the command line and test suites, which run without Nest's container.
 */

export const organizationsServiceOn = (db: DataSource): OrganizationsService =>
  new OrganizationsService(
    new TypeOrmTransactions(db),
    new TypeOrmOrganizationsRepository(db),
    new TypeOrmApiKeysRepository(db),
  );

export const apiKeysServiceOn = (
  db: DataSource,
  config: Pick<AppConfig, 'MAX_KEYS_PER_ORGANIZATION'>,
  audit?: AccessLogWriter,
): ApiKeysService =>
  new ApiKeysService(
    new TypeOrmTransactions(db),
    new TypeOrmOrganizationsRepository(db),
    new TypeOrmApiKeysRepository(db),
    config,
    audit,
  );

export const accessLogWriterOn = (
  db: DataSource,
  config: Pick<AppConfig, 'ACCESS_LOG_BATCH_SIZE' | 'ACCESS_LOG_FLUSH_MS'>,
): AccessLogWriter =>
  new AccessLogWriter(new TypeOrmTransactions(db), new TypeOrmAccessLogRepository(db), config);

export const accessLogVerifierOn = (db: DataSource, ledger: LedgerPort): AccessLogVerifier =>
  new AccessLogVerifier(new TypeOrmAccessLogRepository(db), ledger);
