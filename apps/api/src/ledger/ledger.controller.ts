import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessLogService } from '@claimtrail/claims/application/access-log.service';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { NotFoundError } from '@claimtrail/claims/application/app.errors';
import { ClaimQueriesService } from '@claimtrail/claims/application/claim-queries.service';
import type { Principal } from '@claimtrail/claims/application/organizations.service';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { ZodPipe } from '../common/zod-body.pipe';

const proofQuerySchema = z.strictObject({
  record: z.enum(['decision', 'payment'], { error: 'must be decision or payment' }).default('decision'),
});

/** The ledger's head and per-claim proofs; proofs hold no PHI, so funders may read them too. */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly claims: ClaimQueriesService,
    private readonly accessLog: AccessLogService,
  ) {}

  @Get('head')
  @ApiOperation({ summary: 'The newest block' })
  head() {
    return this.ledger.head();
  }

  @Get('claims/:id/proof')
  @ApiOperation({
    summary:
      "A self-contained proof of the claim's latest decision (or, with ?record=payment, its payment and fund allocations), verifiable offline",
  })
  async proof(
    @Req() req: FastifyRequest,
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(z.uuid({ error: 'must be a claim id (UUID)' }), 'id')) id: string,
    @Query(new ZodPipe(proofQuerySchema)) query: z.output<typeof proofQuerySchema>,
  ) {
    if (p.kind === 'provider' || p.kind === 'payer') await this.claims.get(p, id);
    const bundle =
      query.record === 'payment' ? await this.ledger.provePayment(id) : await this.ledger.proveClaim(id);
    if (!bundle) throw new NotFoundError(`ledger ${query.record} record for this claim`);
    await this.accessLog.record(p, 'read_proof', id, String(req.id));
    return bundle;
  }
}
