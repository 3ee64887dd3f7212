import fc from 'fast-check';
import { adjudicate } from './adjudicate';
import type { Decision, LineDecision } from './decision';
import { claimArb, contextArb } from './testing/claim-arbitraries';
import { ruleSetArb } from './testing/rule-set-arbitraries';

const RUNS = { numRuns: 400 };
const casesOf = (orderFree = false) =>
  ruleSetArb(orderFree).chain((ruleSet) => fc.tuple(claimArb, contextArb(ruleSet)));
const total = (lines: readonly LineDecision[], pick: (l: LineDecision) => number) =>
  lines.reduce((n, l) => n + pick(l), 0);

describe('adjudicate (properties)', () => {
  it('keeps approved ≤ eligible ≤ claimed and coPayment + deductible + approved = eligible, per line', () => {
    fc.assert(
      fc.property(casesOf(), ([claim, ctx]) => {
        for (const l of adjudicate(claim, ctx).lines) {
          for (const v of [l.claimed, l.eligible, l.coPayment, l.deductible, l.approved]) {
            expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          }
          expect(l.approved).toBeLessThanOrEqual(l.eligible);
          expect(l.eligible).toBeLessThanOrEqual(l.claimed);
          expect(l.coPayment + l.deductible + l.approved).toBe(l.eligible);
          if (l.status === 'rejected') expect([l.eligible, l.approvedQuantity]).toEqual([0, 0]);
        }
      }),
      RUNS,
    );
  });

  it('totals are the sums of the lines, and keep the same identity', () => {
    fc.assert(
      fc.property(casesOf(), ([claim, ctx]) => {
        const { lines, totals } = adjudicate(claim, ctx);
        expect(totals).toEqual({
          claimed: total(lines, (l) => l.claimed),
          eligible: total(lines, (l) => l.eligible),
          coPayment: total(lines, (l) => l.coPayment),
          deductible: total(lines, (l) => l.deductible),
          approved: total(lines, (l) => l.approved),
        });
        expect(totals.coPayment + totals.deductible + totals.approved).toBe(totals.eligible);
      }),
      RUNS,
    );
  });

  it('is deterministic and does not touch its inputs', () => {
    fc.assert(
      fc.property(casesOf(), ([claim, ctx]) => {
        const before = structuredClone({ claim, ctx });
        const first: Decision = adjudicate(claim, ctx);
        expect(adjudicate(structuredClone(claim), structuredClone(ctx))).toEqual(first);
        expect({ claim, ctx }).toEqual(before);
      }),
      RUNS,
    );
  });

  it('gives every line the same result whatever the line order, when no rule consumes a budget in line order', () => {
    const withOrder = casesOf(true).chain(([claim, ctx]) =>
      fc.tuple(
        fc.constant(claim),
        fc.constant(ctx),
        fc.shuffledSubarray([...claim.lines], { minLength: claim.lines.length }),
      ),
    );
    fc.assert(
      fc.property(withOrder, ([claim, ctx, shuffled]) => {
        expect(adjudicate({ ...claim, lines: shuffled }, ctx)).toEqual(adjudicate(claim, ctx));
      }),
      RUNS,
    );
  });

  it('never approves more than what is left of the annual and category limits', () => {
    fc.assert(
      fc.property(casesOf(), ([claim, ctx]) => {
        const { lines, totals } = adjudicate(claim, ctx);
        const { limits } = ctx.ruleSet;
        const acc = ctx.accumulators;
        if (limits?.annual !== undefined) {
          expect(totals.approved).toBeLessThanOrEqual(Math.max(0, limits.annual - acc.annualApproved));
        }
        for (const [category, limit] of Object.entries(limits?.categories ?? {})) {
          const used = acc.categoryApproved[category] ?? 0;
          const approved = total(
            lines.filter((l) => l.category === category),
            (l) => l.approved,
          );
          expect(approved).toBeLessThanOrEqual(Math.max(0, limit! - used));
        }
        if (limits?.perVisit !== undefined) expect(totals.approved).toBeLessThanOrEqual(limits.perVisit);
      }),
      RUNS,
    );
  });
});
