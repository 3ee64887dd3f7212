/**
 * The claims library's public surface: the platform module, the feature slices, configuration,
 * the pure domain, and what the apps need to start (preflight, data source, queues, metrics).
 */
export * from './claims.module';
export * from './platform/platform.module';
export * from './access';
export * from './intake';
export * from './coverage';
export * from './adjudication';
export * from './ledger-sync';
export * from './funds-payments';
export * from './config';
export * from './domain';
export * from './common/app.errors';
export * from './queue/queue-contracts';
export * from './queue/claim-queue.producer';
export * from './observability/metrics';
export * from './observability/ops-token';
export * from './infra/preflight';
export * from './infra/data-source';
export * from './infra/redis-target';
export * from './infra/startup';
export * from './platform/transactions';
export type { OrganizationKind } from './infra/entities';
export { FieldCipherError } from './infra/crypto/field-cipher';
export { phiCipher } from './infra/crypto/phi-cipher.registry';
export { rotatePhi } from './infra/crypto/phi-rotation';
export { ReconciliationRepository } from './infra/repositories/reconciliation.repository';
export { adjudicationRepositoryOn } from './infra/repositories/typeorm-adjudication.repository';
export * from './infra/repositories/access-on-data-source';
export * from './common/api-views';
export * from './config/config.module';
