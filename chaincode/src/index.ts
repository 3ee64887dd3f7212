import { ClaimtrailContract } from './claimtrail.contract';

export { ClaimtrailContract, CLAIM_DECIDED_EVENT, submittedPart } from './claimtrail.contract';
export { ChaincodeError, type ChaincodeErrorCode } from './chaincode.error';
export { DecisionRecordFactory, MAX_BATCH_SIZE } from './decision-record.factory';
export { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE } from './caller-identity';
export { canonicalJson } from './canonical-json';
export type * from './records';

/** Contracts fabric-chaincode-node serves from this package. */
export const contracts = [ClaimtrailContract];
