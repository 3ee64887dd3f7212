import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { AppError, AppErrorCode, RetryLaterError } from '@claimtrail/claims/common/app.errors';
import { LedgerError, type LedgerErrorCode } from '@claimtrail/ledger';
import { retryAfterSeconds, toProblem } from './problem';

const at = (err: unknown) => toProblem(err, '/v1/claims', 'req-1');

describe('toProblem', () => {
  it('names the field and rule of a validation failure', () => {
    const err = z
      .strictObject({ lines: z.array(z.number().int()) })
      .safeParse({ lines: [1.5], extra: 1 }).error!;
    const p = at(err);
    expect(p).toMatchObject({
      status: 400,
      type: 'urn:claimtrail:problem:validation-failed',
      correlationId: 'req-1',
    });
    expect(p.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'lines.0' }),
        { field: 'extra', rule: 'is not a known field' },
      ]),
    );
  });

  it('maps stable error codes to their status', () => {
    expect(at(new AppError(AppErrorCode.ExternalRefConflict, 'used')).status).toBe(409);
    expect(at(new AppError(AppErrorCode.UnknownMember, 'who')).status).toBe(422);
    expect(at(new AppError(AppErrorCode.Unauthenticated, 'no')).status).toBe(401);
  });

  it('maps body parsing errors to the transport problem', () => {
    expect(at(new BadRequestException('Body is not valid JSON'))).toMatchObject({
      status: 400,
      errors: [{ field: 'body' }],
    });
    expect(at(new PayloadTooLargeException())).toMatchObject({
      status: 413,
      type: 'urn:claimtrail:problem:payload-too-large',
    });
  });

  it('answers 503 when PostgreSQL or Redis cannot be reached, and 500 without internals otherwise', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(at(refused).status).toBe(503);
    const shutdown = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    );
    expect(at(shutdown).status).toBe(503);
    const bug = at(new TypeError('secret internals'));
    expect(bug.status).toBe(500);
    expect(JSON.stringify(bug)).not.toContain('secret internals');
  });

  // A Record over the code type: a new LedgerErrorCode does not compile until it is listed here.
  const everyLedgerCode: Record<LedgerErrorCode, [number, string]> = {
    CHAINCODE_REJECTED: [422, 'ledger-refused'],
    SIGNING_FAILED: [502, 'ledger-signing-failed'],
    UNAVAILABLE: [503, 'ledger-unavailable'],
    ENDORSEMENT_FAILED: [502, 'ledger-endorsement-failed'],
    MVCC_CONFLICT: [503, 'ledger-busy'],
    COMMIT_FAILED: [502, 'ledger-commit-failed'],
    INTEGRITY_VIOLATION: [409, 'ledger-integrity'],
  };

  it.each(Object.entries(everyLedgerCode))(
    'answers the ledger error %s as problem+json, never 500 and without internals',
    (code, [status, type]) => {
      const err = new LedgerError(code as LedgerErrorCode, 'peer0.payer.example:7051 secret internals');
      const p = at(err);
      expect(p).toMatchObject({ status, type: `urn:claimtrail:problem:${type}`, correlationId: 'req-1' });
      expect(p.detail).not.toContain('secret internals');
      expect(retryAfterSeconds(err, p)).toBe(status === 503 ? 5 : undefined);
    },
  );

  it('names the chaincode code, the request field and the reason of a ledger refusal', () => {
    const budget = new LedgerError(
      'CHAINCODE_REJECTED',
      'BUDGET_EXCEEDED topUp.amount: would bring deposits to 13000000, above the budget 5000000',
      'BUDGET_EXCEEDED',
    );
    expect(at(budget)).toMatchObject({
      status: 422,
      type: 'urn:claimtrail:problem:budget-exceeded',
      detail: expect.stringContaining('BUDGET_EXCEEDED'),
      errors: [
        {
          field: 'amount',
          rule: 'BUDGET_EXCEEDED: would bring deposits to 13000000, above the budget 5000000',
        },
      ],
    });
    // On Fabric the chaincode's message arrives inside the gateway's.
    const conflict = new LedgerError(
      'CHAINCODE_REJECTED',
      'CreateFund refused: 10 ABORTED: failed to endorse; PayerMSP@peer0: chaincode response 500, CONFLICT fund.fundId: a different fund exists with this id',
      'CONFLICT',
    );
    expect(at(conflict)).toMatchObject({
      status: 409,
      type: 'urn:claimtrail:problem:ledger-refused',
      errors: [{ field: 'fundId', rule: 'CONFLICT: a different fund exists with this id' }],
    });
    expect(
      at(new LedgerError('CHAINCODE_REJECTED', 'INVALID_FIELD fund.name: too long', 'INVALID_FIELD')),
    ).toMatchObject({ status: 422, errors: [{ field: 'name' }] });
  });

  it('maps the payment and fund refusals to their status and asks for a retry when it may help', () => {
    expect(at(new AppError(AppErrorCode.LedgerMismatch, 'differs')).status).toBe(409);
    expect(at(new AppError(AppErrorCode.PaymentRefConflict, 'used')).status).toBe(409);
    expect(at(new AppError(AppErrorCode.NothingToPay, 'zero')).status).toBe(422);
    expect(at(new AppError(AppErrorCode.BudgetExceeded, 'cap')).status).toBe(422);
    const notYet = new RetryLaterError(AppErrorCode.DecisionNotOnLedger, 'not yet', [], 2);
    const p = at(notYet);
    expect(p).toMatchObject({ status: 409, type: 'urn:claimtrail:problem:decision-not-on-ledger' });
    expect(retryAfterSeconds(notYet, p)).toBe(2);
  });
});
