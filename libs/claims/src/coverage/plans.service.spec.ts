import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { OTHER_PROVIDER, plan, PROVIDER } from '../domain/testing/adjudication-fixtures';
import { InMemoryPlansRepository } from '../testing/in-memory-plans.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import { PlansService } from './plans.service';

const PAYER = 'payer-1';
const ruleSet = (over: Record<string, unknown> = {}) => ({ ...plan().ruleSet, ...over });

function setUp() {
  const repo = new InMemoryPlansRepository();
  repo.providers.add(PROVIDER);
  const transactions = new InMemoryTransactions();
  return { repo, transactions, plans: new PlansService(transactions, repo) };
}

describe('PlansService', () => {
  it('creates a plan with its first version, hashed, in one transaction', async () => {
    const { plans, repo, transactions } = setUp();
    const view = await plans.create(PAYER, 'Outpatient basic', ruleSet());
    expect(view.plan).toMatchObject({ payerId: PAYER, name: 'Outpatient basic' });
    expect(view.versions).toHaveLength(1);
    expect(view.versions[0]).toMatchObject({
      planId: view.plan.id,
      version: 1,
      ruleSetHash: plan().ruleSetHash,
      coverageStart: '2026-01-01',
      coverageEnd: '2026-12-31',
    });
    expect(transactions.count).toBe(1);
    expect(repo.plans.size).toBe(1);
  });

  it('refuses a rule set naming a contracted provider that is not a provider, naming the field', async () => {
    const { plans, repo } = setUp();
    const err = await plans
      .create(PAYER, 'p', ruleSet({ contractedProviders: [PROVIDER, OTHER_PROVIDER] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(AppErrorCode.UnknownProvider);
    expect((err as AppError).details).toEqual([
      { field: 'ruleSet.contractedProviders.1', rule: 'must be a provider organization' },
    ]);
    expect(repo.plans.size).toBe(0);
  });

  it('numbers published versions one after another and leaves earlier ones as they were', async () => {
    const { plans } = setUp();
    const { plan: created, versions } = await plans.create(PAYER, 'p', ruleSet());
    const second = await plans.publishVersion(
      PAYER,
      created.id,
      ruleSet({ coverage: { start: '2027-01-01', end: '2027-12-31' } }),
    );
    const third = await plans.publishVersion(PAYER, created.id, ruleSet());
    expect([second.version, third.version]).toEqual([2, 3]);
    const read = await plans.get(PAYER, created.id);
    expect(read.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(read.versions[0]).toEqual(versions[0]);
    expect(read.versions[1].coverageStart).toBe('2027-01-01');
  });

  it("treats another payer's plan as not found, before reading the rule set", async () => {
    const { plans } = setUp();
    const { plan: created } = await plans.create(PAYER, 'p', ruleSet());
    await expect(plans.publishVersion('payer-2', created.id, { not: 'a rule set' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(plans.get('payer-2', created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
