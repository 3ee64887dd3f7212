import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AdjudicationService } from '@claimtrail/claims/adjudication/adjudication.service';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { ClaimsModule } from '@claimtrail/claims/claims.module';
import { MembersService } from '@claimtrail/claims/coverage/members.service';
import { PlansService } from '@claimtrail/claims/coverage/plans.service';
import { ClaimStatus } from '@claimtrail/claims/domain';
import { TypeOrmClaimReadsRepository } from '@claimtrail/claims/infra/repositories/typeorm-claim-reads.repository';
import { ClaimsService } from '@claimtrail/claims/intake/claims.service';
import { LedgerRelayService } from '@claimtrail/claims/ledger-sync/ledger-relay.service';

/** Claim reads on PostgreSQL, over claims submitted, decided and recorded by the use cases themselves. */
describe('TypeOrmClaimReadsRepository', () => {
  let moduleRef: TestingModule;
  let db: DataSource;
  let repo: TypeOrmClaimReadsRepository;
  let payerId: string;
  let providerId: string;
  let otherProviderId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [ClaimsModule] }).compile();
    await moduleRef.init();
    db = moduleRef.get(getDataSourceToken());
    repo = new TypeOrmClaimReadsRepository(db);
    const orgs = moduleRef.get(OrganizationsService);
    payerId = (await orgs.create('payer', 'Reads Payer')).organization.id;
    providerId = (await orgs.create('provider', 'Reads Clinic')).organization.id;
    otherProviderId = (await orgs.create('provider', 'Other Clinic')).organization.id;
    const plan = await moduleRef.get(PlansService).create(payerId, 'Reads plan', {
      currency: 'KES',
      coverage: { start: '2026-01-01', end: '2026-12-31' },
      contractedProviders: [providerId, otherProviderId],
      tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
    });
    const memberNumber = `CR-${Date.now()}`;
    await moduleRef.get(MembersService).enrol(payerId, [
      {
        memberNumber,
        planId: plan.plan.id,
        fullName: 'Akinyi Otieno',
        birthDate: '1988-02-11',
        sex: 'F',
        coverageStart: '2026-01-01',
        coverageEnd: '2026-12-31',
      },
    ]);
    const claims = moduleRef.get(ClaimsService);
    for (const [i, provider] of [providerId, providerId, providerId, otherProviderId].entries()) {
      const { id } = await claims.submit(provider, {
        externalRef: `reads-${i}-${Date.now()}`,
        payerId,
        memberNumber,
        serviceDate: `2026-05-0${i + 1}`,
        currency: 'KES',
        diagnoses: ['J06.9'],
        lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
      });
      ids.push(id);
    }
    // The first two are decided, and only the first recorded on the ledger.
    const adjudication = moduleRef.get(AdjudicationService);
    await adjudication.adjudicateClaim(ids[0]);
    await moduleRef.get(LedgerRelayService).drainOnce();
    await adjudication.adjudicateClaim(ids[1]);
  });

  afterAll(() => moduleRef?.close());

  const mine = () => ({ party: 'provider' as const, orgId: providerId });

  it('finds a claim only within its scope', async () => {
    expect(await repo.find(mine(), ids[0])).toMatchObject({ id: ids[0], providerId, payerId, revision: 1 });
    expect(await repo.find({ party: 'payer', orgId: payerId }, ids[3])).toMatchObject({ id: ids[3] });
    expect(await repo.find(mine(), ids[3])).toBeNull();
    expect(await repo.find({ party: 'payer', orgId: providerId }, ids[0])).toBeNull();
  });

  it('lists newest first, after a given claim, filtered by status', async () => {
    const all = await repo.list(mine(), { limit: 10 });
    expect(all.map((c) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect((await repo.list(mine(), { afterId: ids[2], limit: 1 })).map((c) => c.id)).toEqual([ids[1]]);
    const received = await repo.list(mine(), { status: ClaimStatus.Received, limit: 10 });
    expect(received.map((c) => c.id)).toEqual([ids[2]]);
  });

  it("reads the current revision's decisions and where the ledger recorded them", async () => {
    const decisions = await repo.currentDecisions(ids);
    expect(decisions.map((d) => d.claimId).sort()).toEqual([ids[0], ids[1]].sort());
    expect(decisions[0]).toMatchObject({ revision: 1, currency: 'KES', totals: { claimed: 150000 } });
    const recorded = await repo.recordedDecisions(ids);
    expect(recorded).toEqual([{ claimId: ids[0], txId: expect.any(String), block: expect.any(Number) }]);
  });

  it("reads each claim's latest refusal into the given statuses", async () => {
    for (const [code, at] of [
      ['FIRST', '2026-05-03T10:00:00Z'],
      ['LATEST', '2026-05-03T11:00:00Z'],
    ]) {
      await db.query(
        `INSERT INTO claim_events (claim_id, revision, from_status, to_status, actor, detail, at)
         VALUES ($1, 1, 'approved', 'payment_refused', 'relay', $2, $3)`,
        [ids[0], JSON.stringify({ code, message: `refused ${code}` }), at],
      );
    }
    const refusals = await repo.latestRefusals(ids, [ClaimStatus.PaymentRefused]);
    expect([...refusals.keys()]).toEqual([ids[0]]);
    expect(refusals.get(ids[0])).toMatchObject({ code: 'LATEST', message: 'refused LATEST' });
    expect(await repo.latestRefusals(ids, [ClaimStatus.DecisionRefused])).toEqual(new Map());
  });
});
