import { Module } from '@nestjs/common';
import { AccessLogAnchorService } from './access-log/access-log-anchor.service';
import { AccessLogVerifier } from './access-log/access-log-verifier';
import { AccessLogWriter } from './access-log/access-log-writer';
import { AccessLogService } from './access-log.service';
import { ApiKeysService } from './api-keys.service';
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
@Module({ providers, exports: providers })
export class AccessModule {}
