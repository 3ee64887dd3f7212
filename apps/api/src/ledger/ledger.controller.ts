import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LEDGER, TRUST_ANCHOR_VERSION, type LedgerPort, type TrustAnchor } from '@claimtrail/ledger';
import { OrganizationsService, NotFoundError, ClaimQueriesService, type Principal } from '@claimtrail/claims';
import { CurrentPrincipal, Public, Scope } from '../auth/auth.decorators';
import { ApiAnswer, ApiProblems, ApiQueryFrom, KEYED_PROBLEMS } from '../common/openapi';
import { ZodPipe } from '../common/zod-body.pipe';

const proofQuerySchema = z.strictObject({
  record: z.enum(['decision', 'payment'], { error: 'must be decision or payment' }).default('decision'),
});

/** The ledger's head and per-claim proofs; proofs hold no PHI, so funders may read them too. */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger')
@Scope('claims')
export class LedgerController {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly claims: ClaimQueriesService,
    private readonly orgs: OrganizationsService,
  ) {}

  @Get('trust')
  @Public()
  @ApiOperation({
    summary:
      "What a verifier pins once and keeps (claimtrail trust fetch): every organization's id, kind and ledger signing key, the Fabric MSPs, and the ledger's head key",
  })
  @ApiAnswer(200, 'TrustAnchor')
  @ApiProblems(429, 503)
  async trust(): Promise<TrustAnchor> {
    const headKey = this.ledger.headPublicKeyPem?.();
    return {
      version: TRUST_ANCHOR_VERSION,
      organizations: await this.orgs.trustedOrganizations(),
      msps: (await this.ledger.trustedMsps?.()) ?? [],
      ...(headKey ? { ledgerHeadKeyPem: headKey } : {}),
    };
  }

  @Get('head')
  @ApiOperation({ summary: 'The newest block' })
  @ApiAnswer(200, 'LedgerHead')
  @ApiProblems(...KEYED_PROBLEMS, 502)
  head() {
    return this.ledger.head();
  }

  @Get('claims/:id/proof')
  @ApiOperation({
    summary:
      "A self-contained proof of the claim's latest decision (or, with ?record=payment, its payment and fund allocations), verifiable offline",
  })
  @ApiQueryFrom(proofQuerySchema)
  @ApiAnswer(200, 'ProofBundle')
  @ApiProblems(...KEYED_PROBLEMS, 400, 404, 409, 502)
  async proof(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ZodPipe(z.uuid({ error: 'must be a claim id (UUID)' }), 'id')) id: string,
    @Query(new ZodPipe(proofQuerySchema)) query: z.output<typeof proofQuerySchema>,
  ) {
    if (p.kind === 'provider' || p.kind === 'payer') await this.claims.get(p, id);
    const bundle =
      query.record === 'payment' ? await this.ledger.provePayment(id) : await this.ledger.proveClaim(id);
    if (!bundle) throw new NotFoundError(`ledger ${query.record} record for this claim`);
    return bundle;
  }
}
