import { ClaimtrailContract } from './claimtrail.contract';

export { ClaimtrailContract, CLAIM_DECIDED_EVENT, submittedPart } from './claimtrail.contract';
export { ChaincodeError, type ChaincodeErrorCode } from './chaincode.error';
export { DecisionRecordFactory, MAX_BATCH_SIZE } from './decision-record.factory';
export { FundRecordFactory } from './fund-record.factory';
export { PaymentRecordFactory } from './payment-record.factory';
export { FUND_CREATED_EVENT, FUND_TOPPED_UP_EVENT, submittedFund } from './fund.transactions';
export { CLAIM_PAID_EVENT, submittedPayment } from './payment.transactions';
export { ACCESS_LOG_ANCHORED_EVENT } from './access-log-anchor.transactions';
export { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE } from './caller-identity';
export { canonicalJson } from './canonical-json';
export type * from './records';

/** Contracts fabric-chaincode-node serves from this package. */
export const contracts = [ClaimtrailContract];
