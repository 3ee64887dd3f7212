/** Stable codes for every error the claimtrail chaincode raises. */
export type ChaincodeErrorCode =
  'INVALID_BATCH' | 'INVALID_FIELD' | 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'PAYER_MISMATCH' | 'NOT_FOUND';

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
