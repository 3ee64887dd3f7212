import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ReconciliationRepository } from '../infra/repositories/reconciliation.repository';
import { LedgerEventsService } from './ledger-events.service';
import { LedgerRelayService } from './ledger-relay.service';
import { LedgerRetryService } from './ledger-retry.service';
import { IntegrityOverlayService } from './reconciliation/integrity-overlay.service';
import { ReconcilerService } from './reconciliation/reconciler.service';

const providers = [
  LedgerRelayService,
  LedgerRetryService,
  LedgerEventsService,
  ReconciliationRepository,
  ReconcilerService,
  IntegrityOverlayService,
];

/**
 * PostgreSQL and the ledger kept in step: the outbox relay, the ledger's events, retries, and the
 * reconciler that holds the database against the ledger.
 */
@Module({ imports: [AccessModule], providers, exports: providers })
export class LedgerSyncModule {}
