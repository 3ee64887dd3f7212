import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { AdjudicationService } from '@claimtrail/claims/adjudication/adjudication.service';
import { ClaimsService } from '@claimtrail/claims/intake/claims.service';
import { LedgerRelayService } from '@claimtrail/claims/ledger-sync/ledger-relay.service';
import { MembersService } from '@claimtrail/claims/coverage/members.service';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { PlansService } from '@claimtrail/claims/coverage/plans.service';
import { SweeperService } from '@claimtrail/claims/adjudication/sweeper.service';
import { ClaimsModule } from '@claimtrail/claims/claims.module';
import type { AppConfig } from '@claimtrail/claims/config/app-config';
import { APP_CONFIG } from '@claimtrail/claims/config/config.module';
import { Metrics } from '@claimtrail/claims/observability/metrics';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { QueueName } from '@claimtrail/claims/queue/queue-contracts';

/** The use cases against real PostgreSQL, Redis and the embedded ledger, without the HTTP layer. */
describe('pipeline recovery and idempotency', () => {
  let moduleRef: TestingModule;
  let db: DataSource;
  let queue: Queue;
  let claims: ClaimsService;
  let adjudication: AdjudicationService;
  let relay: LedgerRelayService;
  let payerId: string;
  let providerId: string;
  let memberNumber: string;

  const submit = (ref: string) =>
    claims.submit(providerId, {
      externalRef: ref,
      payerId,
      memberNumber,
      serviceDate: '2026-05-02',
      currency: 'KES',
      diagnoses: ['J06.9'],
      lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
    });

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [ClaimsModule] }).compile();
    await moduleRef.init();
    db = moduleRef.get(getDataSourceToken());
    queue = moduleRef.get(getQueueToken(QueueName.Adjudication));
    claims = moduleRef.get(ClaimsService);
    adjudication = moduleRef.get(AdjudicationService);
    relay = moduleRef.get(LedgerRelayService);
    const orgs = moduleRef.get(OrganizationsService);
    payerId = (await orgs.create('payer', 'Recovery Payer')).organization.id;
    providerId = (await orgs.create('provider', 'Recovery Clinic')).organization.id;
    const plan = await moduleRef.get(PlansService).create(payerId, 'Recovery plan', {
      currency: 'KES',
      coverage: { start: '2026-01-01', end: '2026-12-31' },
      contractedProviders: [providerId],
      tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
    });
    memberNumber = `R-${Date.now()}`;
    await moduleRef.get(MembersService).enrol(payerId, [
      {
        memberNumber,
        planId: plan.plan.id,
        fullName: 'Njeri Mwangi',
        birthDate: '1992-06-01',
        sex: 'F',
        coverageStart: '2026-01-01',
        coverageEnd: '2026-12-31',
      },
    ]);
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  it('re-enqueues a received claim whose job Redis lost', async () => {
    const { id } = await submit(`lost-${Date.now()}`);
    expect(await queue.getJob(id)).toBeDefined();
    await (await queue.getJob(id))!.remove();
    expect(await queue.getJob(id)).toBeUndefined();
    await db.query(`UPDATE claims SET updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);

    expect(await moduleRef.get(SweeperService).sweep()).toBeGreaterThanOrEqual(1);
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ claimId: id });
  });

  it('decides a claim once even when two workers race for it', async () => {
    const { id } = await submit(`race-${Date.now()}`);
    const outcomes = await Promise.all([
      adjudication.adjudicateClaim(id),
      adjudication.adjudicateClaim(id),
      adjudication.adjudicateClaim(id),
    ]);
    expect(outcomes.filter((o) => o.kind === 'decided')).toHaveLength(1);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM claim_decisions WHERE claim_id = $1`, [
      id,
    ]);
    expect(n).toBe(1);
    const [{ m }] = await db.query(`SELECT count(*)::int AS m FROM ledger_outbox WHERE claim_id = $1`, [id]);
    expect(m).toBe(1);
    expect(await adjudication.adjudicateClaim(id)).toEqual({ kind: 'skipped', status: 'approved' });
  });

  it('writes an outbox row to the ledger once, and a replay after a lost acknowledgement is a no-op', async () => {
    const { id } = await submit(`relay-${Date.now()}`);
    await adjudication.adjudicateClaim(id);
    while ((await relay.drainOnce()).committed > 0) {
      // drain everything queued by earlier tests as well
    }
    const [first] = await db.query(
      `SELECT tx_id, block_number, outcome FROM ledger_outbox WHERE claim_id = $1`,
      [id],
    );
    expect(first.outcome).toBe('recorded');

    // The process died after the ledger commit but before the outbox update: the row is pending again.
    await db.query(
      `UPDATE ledger_outbox SET committed_at = NULL, outcome = NULL, tx_id = NULL, block_number = NULL WHERE claim_id = $1`,
      [id],
    );
    const again = await relay.drainOnce();
    expect(again.committed).toBe(1);
    const [second] = await db.query(
      `SELECT tx_id, block_number, outcome FROM ledger_outbox WHERE claim_id = $1`,
      [id],
    );
    expect(second).toEqual({ ...first, outcome: 'unchanged' });
    expect(await relay.pendingCount()).toBe(0);
  });

  it('keeps a record the chaincode refuses off the ledger without holding back the rest of its batch', async () => {
    const good = await submit(`good-${Date.now()}`);
    const bad = await submit(`bad-${Date.now()}`);
    await adjudication.adjudicateClaim(good.id);
    await adjudication.adjudicateClaim(bad.id);
    // A record the chaincode's validation refuses (the member reference must be 64 hex digits).
    await db.query(
      `UPDATE ledger_outbox SET record = jsonb_set(record, '{memberRef}', '"not-a-hash"') WHERE claim_id = $1`,
      [bad.id],
    );
    const result = await relay.drainOnce();
    expect(result).toMatchObject({ acquired: true, failed: 0, rejected: 1 });
    expect(result.committed).toBeGreaterThanOrEqual(1);
    const rows: { claim_id: string; outcome: string; last_error: string | null }[] = await db.query(
      `SELECT claim_id, outcome, last_error FROM ledger_outbox WHERE claim_id = ANY($1)`,
      [[good.id, bad.id]],
    );
    expect(rows.find((r) => r.claim_id === good.id)?.outcome).toBe('recorded');
    expect(rows.find((r) => r.claim_id === bad.id)).toMatchObject({
      outcome: 'rejected',
      last_error: expect.stringMatching(/memberRef/),
    });
    expect(await relay.pendingCount()).toBe(0);
    // The refusal shows on the claim, written with the outbox row; the decision itself is kept.
    const [refused] = await db.query(
      `SELECT c.status, e.actor, e.detail ->> 'code' AS code,
              (SELECT count(*)::int FROM claim_decisions d WHERE d.claim_id = c.id) AS decisions
         FROM claims c JOIN claim_events e ON e.claim_id = c.id AND e.to_status = c.status
        WHERE c.id = $1`,
      [bad.id],
    );
    expect(refused).toEqual({
      status: 'decision_refused',
      actor: 'ledger',
      code: 'INVALID_FIELD',
      decisions: 1,
    });
    const [{ status }] = await db.query(`SELECT status FROM claims WHERE id = $1`, [good.id]);
    expect(status).not.toBe('decision_refused');
  });

  it('with several batches in flight, drains them in one pass, a refused record still set apart', async () => {
    while ((await relay.drainOnce()).committed > 0) {
      // drain everything queued by earlier tests
    }
    const config = moduleRef.get<AppConfig>(APP_CONFIG);
    const parallel = new LedgerRelayService(
      db,
      moduleRef.get<LedgerPort>(LEDGER),
      { ...config, LEDGER_BATCH_SIZE: 4, LEDGER_BATCHES_IN_FLIGHT: 3 },
      moduleRef.get(OrganizationsService),
      moduleRef.get(Metrics),
    );
    const ids: string[] = [];
    for (let i = 0; i < 14; i++) {
      const { id } = await submit(`inflight-${i}-${Date.now()}`);
      await adjudication.adjudicateClaim(id);
      ids.push(id);
    }
    await db.query(
      `UPDATE ledger_outbox SET record = jsonb_set(record, '{memberRef}', '"not-a-hash"') WHERE claim_id = $1`,
      [ids[5]],
    );
    // Three batches of four: twelve rows in one pass, the thirteenth and fourteenth in the next.
    expect(await parallel.drainOnce()).toEqual({ acquired: true, committed: 11, failed: 0, rejected: 1 });
    expect(await parallel.drainOnce()).toEqual({ acquired: true, committed: 2, failed: 0, rejected: 0 });
    const rows: { claim_id: string; outcome: string; tx_id: string | null }[] = await db.query(
      `SELECT claim_id, outcome, tx_id FROM ledger_outbox WHERE claim_id = ANY($1)`,
      [ids],
    );
    expect(rows.filter((r) => r.outcome === 'recorded')).toHaveLength(13);
    expect(rows.find((r) => r.claim_id === ids[5])?.outcome).toBe('rejected');
    // One transaction per batch of four (the refused record's batch was resubmitted one by one).
    const first = new Set(rows.filter((r) => ids.slice(0, 4).includes(r.claim_id)).map((r) => r.tx_id));
    expect(first.size).toBe(1);
    expect(await parallel.pendingCount()).toBe(0);
  });
});
