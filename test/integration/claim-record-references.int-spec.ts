import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { loadDecisionInputs } from '@claimtrail/claims/adjudication/load-decision-inputs';
import { recordClaimEvent } from '@claimtrail/claims/common/claim-events';
import { ClaimsService } from '@claimtrail/claims/intake/claims.service';
import { decideClaim, lockMember } from '@claimtrail/claims/adjudication/decide-claim';
import { writeDecisions } from '@claimtrail/claims/adjudication/decision-store';
import { DiagnosisAverages } from '@claimtrail/claims/adjudication/diagnosis-averages';
import { MembersService } from '@claimtrail/claims/coverage/members.service';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { PlansService } from '@claimtrail/claims/coverage/plans.service';
import { ClaimsModule } from '@claimtrail/claims/claims.module';
import { ClaimStatus } from '@claimtrail/claims/domain';
import { ClaimEntity } from '@claimtrail/claims/infra/entities';

/**
 * A claim's events, decisions and outbox rows have no foreign key to the claim (a lookup per row
 * on the busiest tables): they are written only for a claim row that exists, and the rows they
 * would point at are never deleted.
 */
describe('records of a claim without foreign keys', () => {
  let moduleRef: TestingModule;
  let db: DataSource;
  let claims: ClaimsService;
  let payerId: string;
  let providerId: string;
  const memberNumber = `REF-${Date.now()}`;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [ClaimsModule] }).compile();
    await moduleRef.init();
    db = moduleRef.get(getDataSourceToken());
    claims = moduleRef.get(ClaimsService);
    const orgs = moduleRef.get(OrganizationsService);
    payerId = (await orgs.create('payer', 'References Payer')).organization.id;
    providerId = (await orgs.create('provider', 'References Clinic')).organization.id;
    const plan = await moduleRef.get(PlansService).create(payerId, 'References plan', {
      currency: 'KES',
      coverage: { start: '2026-01-01', end: '2026-12-31' },
      contractedProviders: [providerId],
      tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
    });
    await moduleRef.get(MembersService).enrol(payerId, [
      {
        memberNumber,
        planId: plan.plan.id,
        fullName: 'References Member',
        birthDate: '1990-01-01',
        sex: 'F' as const,
        coverageStart: '2026-01-01',
        coverageEnd: '2026-12-31',
      },
    ]);
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  const submit = (serviceDate: string) =>
    claims.submit(providerId, {
      externalRef: `ref-${Date.now()}-${serviceDate}`,
      payerId,
      memberNumber,
      serviceDate,
      currency: 'KES',
      diagnoses: ['J06.9'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });

  const countOf = async (sql: string, params: unknown[]) =>
    ((await db.query(sql, params)) as { n: number }[])[0].n;

  it('refuses to delete claims, organisations, ledger blocks and ledger transactions', async () => {
    const { id } = await submit('2026-04-01');
    for (const [sql, params] of [
      [`DELETE FROM claims WHERE id = $1`, [id]],
      [`DELETE FROM organizations WHERE id = $1`, [providerId]],
      [`DELETE FROM ledger_blocks WHERE number = -1`, []],
      [`DELETE FROM ledger_transactions WHERE tx_id = ''`, []],
    ] as const)
      await expect(db.query(sql, [...params])).rejects.toThrow(/are never deleted/);
    expect(await countOf(`SELECT count(*)::int AS n FROM claims WHERE id = $1`, [id])).toBe(1);
  });

  it('writes no decision, event, outbox row or usage when one claim of the batch has no row', async () => {
    const { id } = await submit('2026-04-02');
    const claim = await db.getRepository(ClaimEntity).findOneByOrFail({ id });
    const ghost = Object.assign(new ClaimEntity(), claim, { id: uuidv7() });
    await expect(
      db.transaction(async (em) => {
        const member = await lockMember(em, claim.memberId);
        const writes = [];
        for (const c of [claim, ghost]) {
          const inputs = await loadDecisionInputs(em, c, member, {
            decidedAt: new Date().toISOString(),
            decidedBy: 'rules-engine',
            reviewed: false,
            averages: new DiagnosisAverages(0),
          });
          writes.push(await decideClaim(em, c, member, inputs, { signerOrgId: payerId }));
        }
        await writeDecisions(em, writes);
      }),
    ).rejects.toThrow(`no claim row to write the decision of: ${ghost.id}`);

    for (const table of ['claim_decisions', 'ledger_outbox'])
      expect(
        await countOf(`SELECT count(*)::int AS n FROM ${table} WHERE claim_id = ANY($1)`, [[id, ghost.id]]),
      ).toBe(0);
    expect(await countOf(`SELECT count(*)::int AS n FROM claim_events WHERE claim_id = $1`, [ghost.id])).toBe(
      0,
    );
    expect(
      await countOf(`SELECT count(*)::int AS n FROM member_accumulators WHERE member_id = $1`, [
        claim.memberId,
      ]),
    ).toBe(0);
    const [row] = (await db.query(`SELECT status FROM claims WHERE id = $1`, [id])) as { status: string }[];
    expect(row.status).toBe(ClaimStatus.Received);
  });

  it('records an event only for a claim that exists', async () => {
    const missing = uuidv7();
    await expect(
      recordClaimEvent(db.manager, {
        claimId: missing,
        revision: 1,
        from: ClaimStatus.Approved,
        to: ClaimStatus.Paid,
        actor: 'test',
      }),
    ).rejects.toThrow(`no claim ${missing} to record an event of`);
    expect(await countOf(`SELECT count(*)::int AS n FROM claim_events WHERE claim_id = $1`, [missing])).toBe(
      0,
    );
  });
});
