/** Stable codes for every error the claimtrail chaincode raises. */
export type ChaincodeErrorCode =
  | 'INVALID_BATCH'
  | 'INVALID_FIELD'
  | 'INVALID_ARGUMENT'
  | 'FORBIDDEN'
  | 'PAYER_MISMATCH'
  | 'NOT_FOUND'
  /** A funder acting on a fund it does not own, or creating one for another organization. */
  | 'FUNDER_MISMATCH'
  /** A key already holds a different fund or top-up. */
  | 'CONFLICT'
  /** A payment names a decision revision that is not on the ledger. */
  | 'DECISION_NOT_FOUND'
  /** The paid decision is not approved or partially approved. */
  | 'DECISION_NOT_PAYABLE'
  /** The payment's provider or currency differs from the paid decision's. */
  | 'DECISION_MISMATCH'
  /** The payment exceeds the decision's approved total. */
  | 'AMOUNT_EXCEEDS_APPROVED'
  /** Allocations in a category exceed what the decision approved in it. */
  | 'CATEGORY_EXCEEDS_APPROVED'
  /** Allocations add up to more than the payment. */
  | 'ALLOCATIONS_EXCEED_PAYMENT'
  | 'FUND_NOT_FOUND'
  | 'CURRENCY_MISMATCH'
  /** The service date lies outside the fund's period. */
  | 'OUTSIDE_FUND_PERIOD'
  | 'EARMARK_MISMATCH'
  /** The fund's remaining balance does not cover the allocation. */
  | 'FUND_OVERSPENT'
  /** A deposit or top-up would bring the fund's deposits above its budget. */
  | 'BUDGET_EXCEEDED'
  /** The chaincode was started without the MSP-to-kind binding (CLAIMTRAIL_MSP_KINDS). */
  | 'MISCONFIGURED';

/**
 * An error raised by the chaincode. Fabric only carries the message back to the client, so the
 * message starts with the code (and the field, when there is one) to keep both machine-readable.
 */
export class ChaincodeError extends Error {
  constructor(
    readonly code: ChaincodeErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${code} ${field}: ${message}` : `${code}: ${message}`);
    this.name = 'ChaincodeError';
  }
}
