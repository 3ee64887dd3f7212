import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { AppError, AppErrorCode } from '@claimtrail/claims/application/app.errors';
import { toProblem } from './problem';

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
});
