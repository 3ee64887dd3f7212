/** Ledger sync: the outbox relay, the ledger's events, retries and the reconciler. */
export * from './ledger-sync.module';
export * from './ledger-relay.service';
export * from './ledger-events.service';
export * from './ledger-retry.service';
export * from './ledger-decision-check';
export * from './reconciliation/reconciler.service';
export * from './reconciliation/integrity-overlay.service';
export * from './reconciliation/compare-records';
