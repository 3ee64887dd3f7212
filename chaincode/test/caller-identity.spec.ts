import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from '../src/chaincode.error';
import {
  authorize,
  identityBinding,
  parseMspKinds,
  requireKind,
  setIdentityBinding,
  type IdentityBinding,
} from '../src/caller-identity';
import { ClaimtrailContract } from '../src/claimtrail.contract';

describe('caller identity', () => {
  const kinds = parseMspKinds('PayerMSP=payer, ProviderMSP=provider,FunderMSP=funder');
  const bound: IdentityBinding = { mode: 'msp', kinds };

  afterEach(() => setIdentityBinding(null));

  it('parses the MSP-to-kind binding and refuses malformed entries', () => {
    expect([...kinds]).toEqual([
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

  it('H5: refuses every transaction, reads included, when no binding is configured', async () => {
    setIdentityBinding(null);
    expect(() => identityBinding()).toThrow(/^MISCONFIGURED: .*CLAIMTRAIL_MSP_KINDS/);
    const ctx = {
      clientIdentity: { getAttributeValue: () => 'payer', getMSPID: () => 'PayerMSP' },
    } as unknown as Context;
    await expect(authorize(ctx, 'payer', 'record decisions')).rejects.toThrow(/^MISCONFIGURED/);
    await expect(new ClaimtrailContract().beforeTransaction(ctx)).rejects.toThrow(/^MISCONFIGURED/);
  });

  it('decides by the attribute alone on the embedded ledger, which asks for that explicitly', () => {
    const platform: IdentityBinding = { mode: 'platform' };
    expect(() =>
      requireKind({ kind: 'payer', orgId: 'p1', mspId: 'p1' }, 'payer', 'record decisions', platform),
    ).not.toThrow();
    expect(() =>
      requireKind({ kind: 'provider', orgId: 'c1', mspId: 'c1' }, 'payer', 'record decisions', platform),
    ).toThrow(/only a payer organization may record decisions/);
  });
});
