import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { affectedAccumulators } from './accumulators';
import { adjudicate, RULES_ENGINE, type AdjudicationContext } from './adjudicate';
import { reasonCodeTableMarkdown } from './reason-code-table';
import { publishRuleSet } from './rule-set';

const doc = readFileSync(join(__dirname, '../../../../docs/rules.md'), 'utf8');

/** The JSON block that follows `<!-- example:name -->` in docs/rules.md. */
function example<T = Record<string, unknown>>(name: string): T {
  const match = new RegExp(`<!-- example:${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/rules.md has no example "${name}"`);
  return JSON.parse(match[1]) as T;
}

describe('docs/rules.md', () => {
  it('has the reason-code table generated from REASON_CODES', () => {
    const section = /<!-- reason-codes:start -->\n([\s\S]*?)<!-- reason-codes:end -->/.exec(doc);
    expect(section?.[1].trim()).toBe(reasonCodeTableMarkdown().trim());
  });

  describe('worked example', () => {
    const { ruleSet, ruleSetHash } = publishRuleSet(example('plan'));
    const context = (name: string, over: Partial<AdjudicationContext> = {}): AdjudicationContext => ({
      ...example<Omit<AdjudicationContext, 'ruleSet' | 'ruleSetHash' | 'decidedAt' | 'decidedBy'>>(name),
      ruleSet,
      ruleSetHash,
      decidedAt: '2026-05-26T09:00:00.000Z',
      decidedBy: RULES_ENGINE,
      ...over,
    });

    it('decides claim 1 as documented', () => {
      expect(adjudicate(example('claim-1'), context('context-1'))).toMatchObject(example('decision-1'));
    });

    it('pends claim 2, then approves it on review, as documented', () => {
      expect(adjudicate(example('claim-2'), context('context-2'))).toMatchObject(example('decision-2'));
      const reviewed = adjudicate(example('claim-2'), context('context-2', { reviewed: true }));
      expect(reviewed).toMatchObject(example('decision-2-reviewed'));
      expect(affectedAccumulators(reviewed)).toEqual(example('accumulators-2'));
    });

    it("claim 2's accumulators are claim 1's added to the earlier ones", () => {
      const before = context('context-1').accumulators;
      const used = affectedAccumulators(adjudicate(example('claim-1'), context('context-1')));
      const after = context('context-2').accumulators;
      expect(after.annualApproved).toBe(before.annualApproved + used.annual);
      expect(after.deductibleMet).toBe(before.deductibleMet + used.deductible);
      expect(after.categoryApproved.outpatient).toBe(
        before.categoryApproved.outpatient + used.categories.outpatient,
      );
    });
  });
});
