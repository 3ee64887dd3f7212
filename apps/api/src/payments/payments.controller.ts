import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Principal, PaymentsService, type PaymentResult } from '@claimtrail/claims';
import { CurrentPrincipal, Roles, Scope } from '../auth/auth.decorators';
import { ApiAnswer, ApiProblems, BODY_PROBLEMS, KEYED_PROBLEMS, openApiSchema } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

const paymentRef = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9._/-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, . _ / -')
  .optional();
const payOneSchema = z.strictObject({ paymentRef }).default({});
const payBatchSchema = z.strictObject({
  payments: z
    .array(z.strictObject({ claimId: z.uuid({ error: 'must be a claim id (UUID)' }), paymentRef }))
    .min(1, 'must hold at least one payment')
    .max(1000, 'must hold at most 1000 payments')
    .refine((list) => new Set(list.map((p) => p.claimId)).size === list.length, 'must not repeat a claim'),
});

/** Payments of approved claims by their payer. */
@ApiTags('payments')
@ApiBearerAuth()
@ApiProblems(...KEYED_PROBLEMS)
@Controller('v1')
@Scope('payments')
@Roles('payer')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('claims/:id/payments')
  @ApiOperation({
    summary: "Pay the approved amount of a claim, on the ledger's figures, allocated to eligible donor funds",
    description:
      'The decision paid must be on the ledger (409 decision_not_on_ledger with Retry-After until it is) and ' +
      'agree with it (409 ledger_mismatch naming each field otherwise). `paymentRef` (default `pay-<claimId>`) ' +
      "is the payer's idempotency key: the same reference for the same claim answers the original payment " +
      'again with `Idempotent-Replayed: true`; for another claim it is 409 payment_ref_conflict. A claim in ' +
      '`payment_refused` (the chaincode refused its payment) can be paid again, with the same or a new reference.',
  })
  @ApiBody({ schema: openApiSchema(payOneSchema), required: false })
  @ApiAnswer(201, 'Payment', 'Paid, and recorded on the ledger (Idempotent-Replayed: true for a repeat)')
  @ApiProblems(...BODY_PROBLEMS, 404, 409, 422, 502)
  async pay(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(z.uuid({ error: 'must be a claim id (UUID)' }), 'id')) id: string,
    @Body(new ZodPipe(payOneSchema)) body: z.output<typeof payOneSchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<PaymentResult, 'replayed'>> {
    const { replayed, ...payment } = await this.payments.pay(p.orgId, id, body.paymentRef);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return payment;
  }

  @Post('payments/batch')
  @ApiOperation({
    summary: 'Pay up to 1000 claims; each succeeds or fails on its own',
    description:
      "Each item follows the single payment's rules; a repeated item is answered with its original " +
      'payment and `replayed: true`.',
  })
  @ApiBody({ schema: openApiSchema(payBatchSchema) })
  @ApiAnswer(201, 'PaymentBatch', 'Each claim paid or refused on its own')
  @ApiProblems(...BODY_PROBLEMS, 502)
  async payBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(payBatchSchema)) body: z.output<typeof payBatchSchema>,
  ): Promise<{
    results: (
      | ({ ok: true } & PaymentResult)
      | { ok: false; claimId: string; error: { code: string; message: string } }
    )[];
  }> {
    return { results: await this.payments.payBatch(p.orgId, body.payments) };
  }
}
