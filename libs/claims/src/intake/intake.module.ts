import { Module } from '@nestjs/common';
import { TypeOrmClaimReadsRepository } from '../infra/repositories/typeorm-claim-reads.repository';
import { LedgerSyncModule } from '../ledger-sync/ledger-sync.module';
import { ClaimQueriesService } from './claim-queries.service';
import { ClaimReadsRepository } from './claim-reads.repository';
import { ClaimsService } from './claims.service';

const services = [ClaimsService, ClaimQueriesService];

/** Claims as clinics submit them (one by one or in files), void and resubmit them, and follow them. */
@Module({
  imports: [LedgerSyncModule],
  providers: [...services, { provide: ClaimReadsRepository, useClass: TypeOrmClaimReadsRepository }],
  exports: services,
})
export class IntakeModule {}
