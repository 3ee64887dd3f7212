import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PaymentRecord } from '@claimtrail/ledger';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { ClaimStatus } from '@claimtrail/claims/domain';
import { plan } from '@claimtrail/claims/domain/testing/adjudication-fixtures';
import type { NewFund } from '@claimtrail/claims/funds-payments/funds.repository';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { ClaimDecisionEntity, ClaimEntity } from '@claimtrail/claims/infra/entities';
import { TypeOrmFundsRepository } from '@claimtrail/claims/infra/repositories/typeorm-funds.repository';
import { TypeOrmMembersRepository } from '@claimtrail/claims/infra/repositories/typeorm-members.repository';
import { TypeOrmPaymentsRepository } from '@claimtrail/claims/infra/repositories/typeorm-payments.repository';
import { TypeOrmTransactions } from '@claimtrail/claims/infra/repositories/typeorm-transactions';

// A currency no other suite uses, so the funds a payment may draw on are this spec's own.
const CURRENCY = 'XTS';

/** The payments repository on PostgreSQL: what the in-memory one promises the use cases, for real. */
describe('TypeOrmPaymentsRepository', () => {
  let db: DataSource;
  let repo: TypeOrmPaymentsRepository;
  let funds: TypeOrmFundsRepository;
  let transactions: TypeOrmTransactions;
  const payerId = randomUUID();
  const otherPayerId = randomUUID();
  const providerId = randomUUID();
  const funderId = randomUUID();
  const planId = randomUUID();
  const planVersionId = randomUUID();
  const memberId = randomUUID();

  /** A claim decided on revision 1, approving 270 000. */
  const decidedClaim = async (status = ClaimStatus.Approved): Promise<string> => {
    const id = randomUUID();
    await db.getRepository(ClaimEntity).insert({
      id,
      providerId,
      payerId,
      memberId,
      planVersionId,
      externalRef: `ext-${id}`,
      requestHash: 'a'.repeat(64),
      status,
      revision: 1,
      currency: CURRENCY,
      serviceDate: '2026-03-10',
      diagnoses: ['J06.9'],
      careType: 'outpatient',
      previousClaimId: null,
      ledgerHeadAtSubmission: 'head',
      totalClaimed: 300_000,
      commitmentSalt: 'b'.repeat(64),
      claimCommitment: 'c'.repeat(64),
      lines: [],
      lastError: null,
    });
    await db.getRepository(ClaimDecisionEntity).insert({
      claimId: id,
      revision: 1,
      status: 'approved',
      currency: CURRENCY,
      totalClaimed: 300_000,
      totalEligible: 270_000,
      totalCoPayment: 30_000,
      totalDeductible: 0,
      totalApproved: 270_000,
      reasonCodes: [],
      inputs: null,
      note: null,
      lines: [],
      ruleSetHash: 'd'.repeat(64),
      decidedAt: new Date('2026-03-11T10:00:00Z'),
      decidedBy: 'rules-engine',
    });
    return id;
  };

  const fund = (over: Partial<NewFund> = {}): NewFund => ({
    id: randomUUID(),
    funderId,
    name: 'Fund',
    currency: CURRENCY,
    budget: 1_000_000,
    total: 1_000_000,
    allocated: 0,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    earmarks: { payerIds: [payerId] },
    ledgerTxId: 'tx-fund',
    ...over,
  });

  const record = (claimId: string, paymentRef: string, fundId: string): PaymentRecord => ({
    claimId,
    revision: 1,
    payerId,
    providerId,
    planId,
    currency: CURRENCY,
    amount: 270_000,
    serviceDate: '2026-03-10',
    paidAt: '2026-04-01T09:00:00.000Z',
    paymentRef,
    allocations: [{ fundId, category: 'outpatient', amount: 100_000 }],
  });

  beforeAll(async () => {
    db = await connectDataSource({ ...loadConfig(process.env), DATABASE_POOL_SIZE: 6 });
    repo = new TypeOrmPaymentsRepository(db);
    funds = new TypeOrmFundsRepository(db);
    transactions = new TypeOrmTransactions(db);
    for (const [id, kind] of [
      [payerId, 'payer'],
      [otherPayerId, 'payer'],
      [providerId, 'provider'],
      [funderId, 'funder'],
    ]) {
      await db.query(
        `INSERT INTO organizations (id, kind, name, msp_id, signing_public_key, signing_private_key)
         VALUES ($1, $2, $3, 'Org1MSP', 'pk', 'sk')`,
        [id, kind, `${kind} ${id}`],
      );
    }
    const published = plan();
    await db.query(`INSERT INTO plans (id, payer_id, name) VALUES ($1, $2, 'Plan')`, [planId, payerId]);
    await db.query(
      `INSERT INTO plan_versions (id, plan_id, version, rule_set, rule_set_hash, coverage_start, coverage_end)
       VALUES ($1, $2, 1, $3, $4, '2026-01-01', '2026-12-31')`,
      [planVersionId, planId, JSON.stringify(published.ruleSet), published.ruleSetHash],
    );
    await transactions.run((tx) =>
      new TypeOrmMembersRepository(db).upsertMembers(tx, [
        {
          id: memberId,
          payerId,
          planId,
          memberNumber: `M-${memberId}`,
          memberRef: 'e'.repeat(64),
          fullName: 'Member',
          birthDate: '1990-01-01',
          phone: null,
          sex: 'F',
          status: 'active',
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        },
      ]),
    );
  });

  afterAll(() => db?.destroy());

  it("reads the payer's claim and its decision, and locks the claim only for its payer", async () => {
    const claimId = await decidedClaim();
    expect(await repo.findClaim(payerId, claimId)).toMatchObject({
      id: claimId,
      status: ClaimStatus.Approved,
      revision: 1,
      currency: CURRENCY,
      serviceDate: '2026-03-10',
      planVersionId,
    });
    expect(await repo.findClaim(otherPayerId, claimId)).toBeNull();
    expect(await repo.decisionOf(claimId, 1)).toMatchObject({
      totalApproved: 270_000,
      decidedBy: 'rules-engine',
    });
    await expect(repo.decisionOf(claimId, 2)).rejects.toThrow();
    await transactions.run(async (tx) => {
      expect(await repo.lockClaim(tx, otherPayerId, claimId)).toBeNull();
      expect(await repo.lockClaim(tx, payerId, claimId)).toMatchObject({ id: claimId });
      expect(await repo.planIdOfVersion(tx, planVersionId)).toBe(planId);
    });
  });

  it('locks, in id order, only the funds a payment may draw on', async () => {
    const open = [fund(), fund(), fund({ allocated: 999_999 })];
    const closed = [
      fund({ allocated: 1_000_000 }),
      fund({ periodStart: '2026-03-11' }),
      fund({ periodEnd: '2026-03-09' }),
      fund({ currency: 'XXX' }),
    ];
    for (const f of [...open, ...closed]) await funds.insertFund(f);
    const locked = await transactions.run((tx) => repo.lockFundsToDrawOn(tx, CURRENCY, '2026-03-10'));
    const ids = locked.map((f) => f.id).filter((id) => [...open, ...closed].some((f) => f.id === id));
    expect(ids).toEqual(open.map((f) => f.id).sort());
    // Spend them, so the other tests' payments see only their own funds.
    for (const f of open) await transactions.run((tx) => repo.updateAllocated(tx, f.id, f.total));
  });

  it("writes a payment attempt, its allocations, the fund's figure, the outbox entry, the claim's state and event", async () => {
    const claimId = await decidedClaim();
    const drawn = fund();
    await funds.insertFund(drawn);
    const paymentRef = `ref-${claimId}`;
    const paid = record(claimId, paymentRef, drawn.id);
    const paidAt = new Date('2026-04-01T09:00:00Z');
    const outboxId = await transactions.run(async (tx) => {
      await repo.lockPaymentRef(tx, payerId, paymentRef);
      await repo.lockClaim(tx, payerId, claimId);
      expect(await repo.nextAttempt(tx, claimId)).toBe(1);
      const id = await repo.queuePayment(tx, { claimId, revision: 1, signerOrgId: payerId, record: paid });
      await repo.insertPayment(tx, {
        claimId,
        attempt: 1,
        revision: 1,
        payerId,
        amount: 270_000,
        paymentRef,
        paidAt,
        ledgerOutboxId: id,
      });
      await repo.insertAllocations(tx, claimId, 1, paid.allocations);
      await repo.updateAllocated(tx, drawn.id, 100_000);
      await repo.markClaimPaid(tx, claimId);
      await repo.recordClaimEvent(tx, {
        claimId,
        revision: 1,
        from: ClaimStatus.Approved,
        to: ClaimStatus.Paid,
        actor: `payer:${payerId}`,
        detail: { amount: 270_000, attempt: 1 },
      });
      return id;
    });
    expect(typeof outboxId).toBe('number');
    expect(await repo.paymentsWithRef(payerId, paymentRef)).toEqual([
      {
        claimId,
        attempt: 1,
        revision: 1,
        payerId,
        amount: 270_000,
        paymentRef,
        paidAt,
        ledgerOutboxId: outboxId,
        refusedAt: null,
        refusalCode: null,
        refusalMessage: null,
      },
    ]);
    expect(await repo.paymentsWithRef(otherPayerId, paymentRef)).toEqual([]);
    expect(await repo.queuedPaymentRecord(outboxId)).toEqual(paid);
    expect(await repo.queuedPaymentRecord(-1)).toBeNull();
    expect((await repo.findClaim(payerId, claimId))!.status).toBe(ClaimStatus.Paid);
    expect((await funds.findFund(funderId, drawn.id))!.allocated).toBe(100_000);
    expect(await transactions.run((tx) => repo.nextAttempt(tx, claimId))).toBe(2);
    const events = (await db.query(
      `SELECT from_status, to_status, actor, detail FROM claim_events WHERE claim_id = $1`,
      [claimId],
    )) as unknown[];
    expect(events).toEqual([
      {
        from_status: 'approved',
        to_status: 'paid',
        actor: `payer:${payerId}`,
        detail: { amount: 270_000, attempt: 1 },
      },
    ]);
    // The fund's report reads the allocation of the live payment (not yet committed to the ledger).
    expect(await funds.reportEntries(drawn.id)).toEqual([
      { claimId, providerId, month: '2026-03', category: 'outpatient', amount: 100_000, txId: null },
    ]);
    await db.query(`UPDATE payments SET refused_at = now() WHERE claim_id = $1`, [claimId]);
    await db.query(`UPDATE payment_allocations SET released_at = now() WHERE claim_id = $1`, [claimId]);
    expect(await funds.reportEntries(drawn.id)).toEqual([]);
    expect((await repo.paymentsWithRef(payerId, paymentRef))[0].refusedAt).toBeInstanceOf(Date);
  });

  it('writes nothing of a transaction that fails', async () => {
    const claimId = await decidedClaim();
    const paymentRef = `ref-${claimId}`;
    await expect(
      transactions.run(async (tx) => {
        const id = await repo.queuePayment(tx, {
          claimId,
          revision: 1,
          signerOrgId: payerId,
          record: record(claimId, paymentRef, randomUUID()),
        });
        const payment = {
          claimId,
          attempt: 1,
          revision: 1,
          payerId,
          amount: 1,
          paymentRef,
          paidAt: new Date(),
        };
        await repo.insertPayment(tx, { ...payment, ledgerOutboxId: id });
        await repo.markClaimPaid(tx, claimId);
        await repo.insertPayment(tx, { ...payment, ledgerOutboxId: id }); // the same attempt twice
      }),
    ).rejects.toThrow();
    expect(await repo.paymentsWithRef(payerId, paymentRef)).toEqual([]);
    expect((await repo.findClaim(payerId, claimId))!.status).toBe(ClaimStatus.Approved);
  });

  it("holds a payer's payment reference until the locking transaction ends", async () => {
    const paymentRef = `ref-${randomUUID()}`;
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = transactions.run(async (tx) => {
      await repo.lockPaymentRef(tx, payerId, paymentRef);
      order.push('first locked');
      await held;
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 200));
    const other = transactions.run(async (tx) => {
      await repo.lockPaymentRef(tx, otherPayerId, paymentRef);
      order.push('other payer locked');
    });
    const second = transactions.run(async (tx) => {
      await repo.lockPaymentRef(tx, payerId, paymentRef);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, other, second]);
    expect(order).toEqual(['first locked', 'other payer locked', 'first ends', 'second locked']);
  });
});
