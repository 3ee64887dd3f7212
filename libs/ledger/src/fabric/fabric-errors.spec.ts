import type { ServiceError } from '@grpc/grpc-js';
import { EndorseError, StatusCode, type ErrorDetail } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../ledger.errors';
import { commitFailure, endorsersDisagree } from './fabric-errors';

const endorseError = (message: string, details: ErrorDetail[]) =>
  new EndorseError({
    code: 10, // ABORTED, as the Gateway reports endorsements it could not gather
    details,
    cause: {} as ServiceError,
    transactionId: 'tx-1',
    message,
  });
const refusal = (mspId: string, code = 'FUND_OVERSPENT'): ErrorDetail => ({
  mspId,
  address: `${mspId}:7051`,
  message: `chaincode response 500, ${code} records[0].allocations[0].amount: fund f-1 has 0 remaining`,
});

describe('FabricLedger failures', () => {
  it('makes a key-level or chaincode endorsement policy failure at validation ENDORSEMENT_FAILED, naming the code', () => {
    const error = commitFailure('RecordPayments', 'tx-1', StatusCode.ENDORSEMENT_POLICY_FAILURE);
    expect(error).toBeInstanceOf(LedgerError);
    expect(error.code).toBe('ENDORSEMENT_FAILED');
    expect(error.message).toContain(
      'RecordPayments transaction tx-1 did not commit: ENDORSEMENT_POLICY_FAILURE (validation code 10)',
    );
  });

  it('keeps read conflicts transient and every other invalid transaction COMMIT_FAILED', () => {
    expect(commitFailure('RecordPayments', 'tx-1', StatusCode.MVCC_READ_CONFLICT).code).toBe('MVCC_CONFLICT');
    expect(commitFailure('RecordPayments', 'tx-1', StatusCode.PHANTOM_READ_CONFLICT).code).toBe(
      'MVCC_CONFLICT',
    );
    const other = commitFailure('CreateFund', 'tx-2', StatusCode.BAD_PAYLOAD);
    expect(other.code).toBe('COMMIT_FAILED');
    expect(other.message).toContain('BAD_PAYLOAD');
  });

  it("counts another organization's refusal after the Gateway's own peer endorsed as a disagreement", () => {
    const late = endorseError('failed to collect enough transaction endorsements', [refusal('FunderMSP')]);
    expect(endorsersDisagree(late, 'PayerMSP')).toBe(true);
    expect(
      endorsersDisagree(
        new LedgerError('CHAINCODE_REJECTED', 'x', 'FUND_OVERSPENT', { cause: late }),
        'PayerMSP',
      ),
    ).toBe(true);
    const different = endorseError('failed to collect enough transaction endorsements', [
      { mspId: 'FunderMSP', address: 'f:9051', message: 'ProposalResponsePayloads do not match' },
    ]);
    expect(endorsersDisagree(different, 'PayerMSP')).toBe(true);
  });

  it("does not retry the Gateway's own peer's refusal, nor failures that are not refusals", () => {
    const own = endorseError('failed to endorse transaction', [refusal('PayerMSP')]);
    expect(endorsersDisagree(own, 'PayerMSP')).toBe(false);
    const down = endorseError('failed to collect enough transaction endorsements', [
      { mspId: 'FunderMSP', address: 'f:9051', message: 'connection refused' },
    ]);
    expect(endorsersDisagree(down, 'PayerMSP')).toBe(false);
    expect(endorsersDisagree(new Error('other'), 'PayerMSP')).toBe(false);
  });
});
