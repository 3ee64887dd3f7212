import { adjudicate, type AdjudicationContext } from './adjudicate';
import { ReasonCode } from './reason-codes';
import {
  claim as fixtureClaim,
  context,
  member,
  OTHER_PROVIDER,
  plan,
} from './testing/adjudication-fixtures';
import type { ClaimForAdjudication } from './claim';

const published = plan();
const { ruleSetHash } = published;
const ctx = (over: Partial<AdjudicationContext> = {}) => context(published, over);
// The shared fixture claim, with the malaria diagnosis these cases were written for.
const claim = (over: Partial<ClaimForAdjudication> = {}) => fixtureClaim({ diagnoses: ['B54'], ...over });

describe('adjudicate', () => {
  it('approves a clean claim in full', () => {
    const d = adjudicate(claim(), ctx());
    expect(d.status).toBe('approved');
    expect(d.totals).toEqual({
      claimed: 180000,
      eligible: 180000,
      coPayment: 0,
      deductible: 0,
      approved: 180000,
    });
    expect(d.lines.map((l) => l.status)).toEqual(['approved', 'approved']);
    expect(d.lines.map((l) => l.category)).toEqual(['outpatient', 'laboratory']);
    expect(d.ruleSetHash).toBe(ruleSetHash);
    expect(d.decidedAt).toBe('2026-03-15T10:00:00.000Z');
  });

  it('caps a unit price above the tariff and partially approves', () => {
    const d = adjudicate(
      claim({ lines: [{ lineNo: 1, serviceCode: 'DRUG-AL', quantity: 2, unitPrice: 60000 }] }),
      ctx(),
    );
    expect(d.status).toBe('partially_approved');
    expect(d.lines[0]).toMatchObject({
      status: 'adjusted',
      claimed: 120000,
      approved: 90000,
      reasonCodes: [ReasonCode.PriceAboveTariff],
    });
  });

  it('approves a price below the tariff as asked', () => {
    const d = adjudicate(
      claim({ lines: [{ lineNo: 1, serviceCode: 'CONS-GP', quantity: 1, unitPrice: 100000 }] }),
      ctx(),
    );
    expect(d.status).toBe('approved');
    expect(d.totals.approved).toBe(100000);
  });

  it('rejects a line whose code is not in the tariff, keeping the others', () => {
    const d = adjudicate(
      claim({
        lines: [
          { lineNo: 1, serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 },
          { lineNo: 2, serviceCode: 'IMG-CT-HEAD', quantity: 1, unitPrice: 1200000 },
        ],
      }),
      ctx(),
    );
    expect(d.status).toBe('partially_approved');
    expect(d.lines[1]).toMatchObject({
      status: 'rejected',
      approved: 0,
      category: 'unclassified',
      reasonCodes: [ReasonCode.ServiceNotInTariff],
    });
    expect(d.totals).toMatchObject({ claimed: 1350000, approved: 150000 });
  });

  it('does not treat inherited object keys as tariff entries', () => {
    const d = adjudicate(
      claim({ lines: [{ lineNo: 1, serviceCode: 'constructor', quantity: 1, unitPrice: 1 }] }),
      ctx(),
    );
    expect(d.lines[0].reasonCodes).toEqual([ReasonCode.ServiceNotInTariff]);
  });

  it.each([
    ['an unknown member', { member: null }, ReasonCode.MemberNotFound],
    [
      'a member whose coverage ended',
      { member: member({ coverageStart: '2025-01-01', coverageEnd: '2026-02-28' }) },
      ReasonCode.MemberNotCovered,
    ],
    [
      'a member whose coverage starts later',
      { member: member({ coverageStart: '2026-04-01' }) },
      ReasonCode.MemberNotCovered,
    ],
  ])('rejects every line for %s', (_, over, code) => {
    const d = adjudicate(claim(), ctx(over));
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([code]);
    expect(d.lines.every((l) => l.status === 'rejected' && l.reasonCodes.includes(code))).toBe(true);
    expect(d.totals.approved).toBe(0);
  });

  it('rejects a claim from a provider that is not contracted', () => {
    const d = adjudicate(claim({ providerId: OTHER_PROVIDER }), ctx());
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([ReasonCode.ProviderNotContracted]);
  });

  it('rejects a service date outside the plan period and a foreign currency', () => {
    const d = adjudicate(
      claim({ serviceDate: '2027-01-02', currency: 'UGX' }),
      ctx({ member: member({ coverageEnd: '2027-12-31' }) }),
    );
    expect(d.reasonCodes).toEqual([ReasonCode.PlanNotInForce, ReasonCode.CurrencyMismatch]);
  });

  it('treats coverage boundaries as inclusive', () => {
    expect(adjudicate(claim({ serviceDate: '2026-01-01' }), ctx()).status).toBe('approved');
    expect(adjudicate(claim({ serviceDate: '2026-12-31' }), ctx()).status).toBe('approved');
  });

  it('is deterministic: the same inputs give the same decision', () => {
    expect(JSON.stringify(adjudicate(claim(), ctx()))).toBe(JSON.stringify(adjudicate(claim(), ctx())));
  });

  it('refuses amounts that would lose precision', () => {
    expect(() =>
      adjudicate(
        claim({ lines: [{ lineNo: 1, serviceCode: 'CONS-GP', quantity: 1e6, unitPrice: 1e12 }] }),
        ctx(),
      ),
    ).toThrow(/overflows/);
  });
});
