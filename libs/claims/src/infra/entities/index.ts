import { ApiKeyEntity } from './api-key.entity';
import { ClaimDecisionEntity, ClaimEventEntity } from './claim-decision.entity';
import { ClaimEntity } from './claim.entity';
import { FundEntity, FundTopUpEntity } from './fund.entity';
import { LedgerOutboxEntity } from './ledger-outbox.entity';
import { PaymentAllocationEntity, PaymentEntity } from './payment.entity';
import { MemberAccumulatorsEntity } from './member-accumulators.entity';
import { MemberEntity } from './member.entity';
import { OrganizationEntity } from './organization.entity';
import { PlanEntity, PlanVersionEntity } from './plan.entity';
import { ServiceCodeEntity } from './service-code.entity';

export * from './api-key.entity';
export * from './claim-decision.entity';
export * from './claim.entity';
export * from './fund.entity';
export * from './ledger-outbox.entity';
export * from './payment.entity';
export * from './member-accumulators.entity';
export * from './member.entity';
export * from './organization.entity';
export * from './plan.entity';
export * from './service-code.entity';

/** Every TypeORM entity of the claims library. */
export const claimsEntities = [
  OrganizationEntity,
  ApiKeyEntity,
  ServiceCodeEntity,
  PlanEntity,
  PlanVersionEntity,
  MemberEntity,
  MemberAccumulatorsEntity,
  ClaimEntity,
  ClaimDecisionEntity,
  ClaimEventEntity,
  LedgerOutboxEntity,
  FundEntity,
  FundTopUpEntity,
  PaymentEntity,
  PaymentAllocationEntity,
];
