import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@claimtrail/claims/application/organizations.service';
import { PaymentsService } from '@claimtrail/claims/application/payments.service';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { openApiSchema } from '../common/openapi';
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
@Controller('v1')
@Roles('payer')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('claims/:id/payments')
  @ApiOperation({ summary: 'Pay the approved amount of a claim, allocated to eligible donor funds' })
  @ApiBody({ schema: openApiSchema(payOneSchema) })
  pay(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(z.uuid({ error: 'must be a claim id (UUID)' }), 'id')) id: string,
    @Body(new ZodPipe(payOneSchema)) body: z.output<typeof payOneSchema>,
  ) {
    return this.payments.pay(p.orgId, id, body.paymentRef);
  }

  @Post('payments/batch')
  @ApiOperation({ summary: 'Pay up to 1000 claims; each succeeds or fails on its own' })
  @ApiBody({ schema: openApiSchema(payBatchSchema) })
  async payBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(payBatchSchema)) body: z.output<typeof payBatchSchema>,
  ) {
    return { results: await this.payments.payBatch(p.orgId, body.payments) };
  }
}
