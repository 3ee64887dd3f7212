import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { decideFromInputs, type DecisionInputs } from '../domain';
import { claim, member, plan } from '../domain/testing/adjudication-fixtures';
import { InMemoryAdjudicationRepository } from '../testing/in-memory-adjudication.repository';
import { replayDecision } from './replay';

const published = plan();
const inputs: DecisionInputs = {
  claim: claim(),
  member: member(),
  history: [],
  accumulators: {
    benefitYear: 2026,
    byCategory: {},
    visits: {},
  } as unknown as DecisionInputs['accumulators'],
  review: { diagnosisAverage: null } as unknown as DecisionInputs['review'],
  reviewed: false,
  decidedAt: '2026-03-01T10:00:00.000Z',
  decidedBy: 'rules',
};

function setUp() {
  const repo = new InMemoryAdjudicationRepository();
  repo.ruleSets.set(published.ruleSetHash, published.ruleSet);
  const decided = decideFromInputs(inputs, published.ruleSet, published.ruleSetHash);
  repo.decisions.set('c1', [
    { revision: 1, ruleSetHash: published.ruleSetHash, decision: decided, inputs },
    {
      revision: 2,
      ruleSetHash: published.ruleSetHash,
      // A stored figure that the rules would not give: what an edited row looks like.
      decision: { ...decided, totals: { ...decided.totals, approved: decided.totals.approved + 1 } },
      inputs,
    },
  ]);
  return repo;
}

describe('replayDecision', () => {
  it('finds a stored decision identical to what its inputs and rule set give', async () => {
    const result = await replayDecision(setUp(), 'c1', 1);
    expect(result).toEqual({
      claimId: 'c1',
      revision: 1,
      ruleSetHash: published.ruleSetHash,
      identical: true,
      differences: [],
    });
  });

  it('replays the latest revision by default and names each path that differs', async () => {
    const result = await replayDecision(setUp(), 'c1');
    expect(result.revision).toBe(2);
    expect(result.identical).toBe(false);
    expect(result.differences).toEqual([
      { path: 'decision.totals.approved', stored: expect.any(Number), replayed: expect.any(Number) },
    ]);
    const [d] = result.differences;
    expect((d.stored as number) - (d.replayed as number)).toBe(1);
  });

  it('refuses what cannot be replayed: no decision, no inputs kept, an unknown rule set', async () => {
    const repo = setUp();
    await expect(replayDecision(repo, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    repo.decisions.get('c1')![0].inputs = null;
    const old = await replayDecision(repo, 'c1', 1).catch((e: unknown) => e);
    expect((old as AppError).code).toBe(AppErrorCode.InvalidState);
    repo.ruleSets.clear();
    await expect(replayDecision(repo, 'c1', 2)).rejects.toBeInstanceOf(NotFoundError);
  });
});
