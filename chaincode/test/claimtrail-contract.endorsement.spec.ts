import { common, msp } from '@hyperledger/fabric-protos';
import { peerOfPolicy } from '../src/key-endorsement';
import { invokeContract, type TestCreator, txArg } from './support/contract-harness';
import { decisionRecord, fundRecord, paymentFor } from './support/fixtures';
import { MemoryStub } from './support/memory-stub';
import { MemoryWorldState } from './support/world-state';

const PAYER: TestCreator = { orgId: 'payer-1', kind: 'payer', mspId: 'Payer1MSP', publicKeyPem: '' };
const FUNDER: TestCreator = {
  orgId: 'funder-1',
  kind: 'funder',
  mspId: 'Funder1MSP',
  publicKeyPem: '',
};

/** Records every setStateValidationParameter call of the transactions `run` makes. */
async function capturePolicies(run: () => Promise<unknown>): Promise<[string, string[]][]> {
  const spy = jest.spyOn(MemoryStub.prototype, 'setStateValidationParameter');
  try {
    await run();
    return spy.mock.calls.map(([key, ep]) => [key, mspIdsOf(ep)]);
  } finally {
    spy.mockRestore();
  }
}

/** The MSP ids of a key-level policy, checking it is "one signature from each, as a peer". */
function mspIdsOf(ep: Uint8Array): string[] {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(ep);
  const rule = envelope.getRule()!.getNOutOf()!;
  const ids = envelope.getIdentitiesList().map((principal) => {
    expect(principal.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ROLE);
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    expect(role.getRole()).toBe(msp.MSPRole.MSPRoleType.PEER);
    return role.getMspIdentifier();
  });
  expect(rule.getN()).toBe(ids.length);
  return ids;
}

const fundKey = (fundId: string) => `\u0000fund\u0000${fundId}\u0000`;

describe('ClaimtrailContract key-level endorsement', () => {
  const invoke = (store: MemoryWorldState, fn: string, arg: unknown, creator: TestCreator) =>
    invokeContract(store, fn, [txArg(arg)], creator, { timestamp: '2025-11-22T10:00:00.000Z' });

  it('builds the same policy bytes for the same MSP: every endorser writes identical metadata', () => {
    expect(Buffer.from(peerOfPolicy('FunderMSP'))).toEqual(Buffer.from(peerOfPolicy('FunderMSP')));
    expect(mspIdsOf(peerOfPolicy('FunderMSP'))).toEqual(['FunderMSP']);
  });

  it("puts a new fund under its funder's peer, and an identical CreateFund again sets nothing", async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord();
    expect(await capturePolicies(() => invoke(store, 'CreateFund', fund, FUNDER))).toEqual([
      [fundKey(fund.fundId), ['Funder1MSP']],
    ]);
    expect(await capturePolicies(() => invoke(store, 'CreateFund', fund, FUNDER))).toEqual([]);
  });

  it("keeps a top-up and the fund it raises under the funder's peer", async () => {
    const store = new MemoryWorldState();
    const fund = fundRecord({ deposit: 500_000 });
    await invoke(store, 'CreateFund', fund, FUNDER);
    const topUp = { fundId: fund.fundId, topUpId: 'top-1', amount: 5_000 };
    expect(await capturePolicies(() => invoke(store, 'TopUpFund', topUp, FUNDER))).toEqual([
      [`\u0000topup\u0000${fund.fundId}\u0000top-1\u0000`, ['Funder1MSP']],
      [fundKey(fund.fundId), ['Funder1MSP']],
    ]);
  });

  it("makes a payment drawing on funds need each fund's funder, for the fund and the allocation alike", async () => {
    const store = new MemoryWorldState();
    const other: TestCreator = { ...FUNDER, orgId: 'funder-2', mspId: 'Funder2MSP' };
    const [a, b] = [fundRecord(), fundRecord({ funderId: 'funder-2' })];
    await invoke(store, 'CreateFund', a, FUNDER);
    await invoke(store, 'CreateFund', b, other);
    const decision = decisionRecord({ payerId: PAYER.orgId });
    const unfunded = decisionRecord({ payerId: PAYER.orgId });
    await invoke(store, 'RecordDecisions', [decision, unfunded], PAYER);
    const payment = paymentFor(decision, a.fundId);
    payment.allocations[1].fundId = b.fundId;

    const set = await capturePolicies(() =>
      invoke(store, 'RecordPayments', [payment, paymentFor(unfunded, null)], PAYER),
    );
    expect(new Map(set)).toEqual(
      new Map([
        [`\u0000alloc\u0000${a.fundId}\u0000${decision.claimId}\u0000`, ['Funder1MSP']],
        [`\u0000alloc\u0000${b.fundId}\u0000${decision.claimId}\u0000`, ['Funder2MSP']],
        [fundKey(a.fundId), ['Funder1MSP']],
        [fundKey(b.fundId), ['Funder2MSP']],
      ]),
    );
    // A payment that draws on no fund is the payer's alone: no key-level policy.
    expect(set).toHaveLength(4);
  });
});
