import { Module } from '@nestjs/common';
import { TypeOrmAccessLogRepository } from '../infra/repositories/typeorm-access-log.repository';
import { TypeOrmApiKeysRepository } from '../infra/repositories/typeorm-api-keys.repository';
import { TypeOrmOrganizationsRepository } from '../infra/repositories/typeorm-organizations.repository';
import { AccessLogAnchorService } from './access-log/access-log-anchor.service';
import { AccessLogVerifier } from './access-log/access-log-verifier';
import { AccessLogWriter } from './access-log/access-log-writer';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogService } from './access-log.service';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

const providers = [
  OrganizationsService,
  ApiKeysService,
  AccessLogService,
  AccessLogWriter,
  AccessLogVerifier,
  AccessLogAnchorService,
];

/** Organizations, their authentication and API keys, and the access log. */
@Module({
  providers: [
    ...providers,
    { provide: OrganizationsRepository, useClass: TypeOrmOrganizationsRepository },
    { provide: ApiKeysRepository, useClass: TypeOrmApiKeysRepository },
    { provide: AccessLogRepository, useClass: TypeOrmAccessLogRepository },
  ],
  exports: providers,
})
export class AccessModule {}
