import { Module } from '@nestjs/common';
import { LedgerSyncModule } from '../ledger-sync/ledger-sync.module';
import { ClaimQueriesService } from './claim-queries.service';
import { ClaimsService } from './claims.service';

const providers = [ClaimsService, ClaimQueriesService];

/** Claims as clinics submit them (one by one or in files), void and resubmit them, and follow them. */
@Module({ imports: [LedgerSyncModule], providers, exports: providers })
export class IntakeModule {}
