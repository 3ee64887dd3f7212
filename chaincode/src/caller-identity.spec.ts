import { ChaincodeError } from './chaincode.error';
import { parseMspKinds, requireKind } from './caller-identity';

describe('caller identity', () => {
  const bound = parseMspKinds('PayerMSP=payer, ProviderMSP=provider,FunderMSP=funder');

  it('parses the MSP-to-kind binding and refuses malformed entries', () => {
    expect([...bound]).toEqual([
      ['PayerMSP', 'payer'],
      ['ProviderMSP', 'provider'],
      ['FunderMSP', 'funder'],
    ]);
    expect(parseMspKinds('').size).toBe(0);
    expect(() => parseMspKinds('PayerMSP')).toThrow(/'PayerMSP' is not MSP=kind/);
    expect(() => parseMspKinds('PayerMSP=payer=x')).toThrow(/not MSP=kind/);
  });

  it('lets a payer of the payer MSP act as a payer', () => {
    expect(() =>
      requireKind({ kind: 'payer', orgId: 'p1', mspId: 'PayerMSP' }, 'payer', 'record decisions', bound),
    ).not.toThrow();
  });

  it("refuses a payer attribute issued by a clinic's MSP", () => {
    const forged = () =>
      requireKind({ kind: 'payer', orgId: 'p1', mspId: 'ProviderMSP' }, 'payer', 'record decisions', bound);
    expect(forged).toThrow(ChaincodeError);
    expect(forged).toThrow('FORBIDDEN: members of ProviderMSP may not act as a payer organization');
  });

  it('decides by the attribute alone when no binding is configured (the embedded ledger)', () => {
    expect(() =>
      requireKind({ kind: 'payer', orgId: 'p1', mspId: 'p1' }, 'payer', 'record decisions', new Map()),
    ).not.toThrow();
    expect(() =>
      requireKind({ kind: 'provider', orgId: 'c1', mspId: 'c1' }, 'payer', 'record decisions', new Map()),
    ).toThrow(/only a payer organization may record decisions/);
  });
});
