import { EndorseError, StatusCode, type Contract } from '@hyperledger/fabric-gateway';
import type { FundRecord, FundView, PaymentRecord } from '@claimtrail/chaincode/records';
import { assertFabricReachable, FabricLedger, type FabricNetworkConfig } from '@claimtrail/ledger';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord, paymentFor } from '@claimtrail/ledger/testing/fund-fixtures';
import { eventually, FabricPeers, ORG_KINDS } from './support/fabric-peers';

/**
 * A fund's key carries the key-level policy "a peer of the funder's MSP", so a payment drawing on
 * it is valid only if the funder's own peer endorsed it, after running the contract's checks on
 * its own copy of the ledger. The chaincode's policy, AND('PayerMSP.peer'), is not enough.
 */
describe("donor money on Fabric needs the funder's own peer", () => {
  const run = Date.now().toString(36);
  const payer = signingIdentity({ orgId: `payer-${run}`, kind: 'payer' });
  const funder = signingIdentity({ orgId: `funder-${run}`, kind: 'funder' });
  let network: FabricNetworkConfig;
  let ledger: FabricLedger;
  let peers: FabricPeers;
  let asPayer: Contract;

  beforeAll(async () => {
    // No network is a failure, never a skip.
    network = await assertFabricReachable(process.env.FABRIC_NETWORK_CONFIG!);
    ledger = new FabricLedger(network);
    peers = new FabricPeers(network);
    asPayer = (await peers.as(payer)).getNetwork(network.channel).getContract(network.chaincode);
  });

  afterAll(() => {
    peers?.close();
    ledger?.close();
  });

  /** A new fund with `deposit` deposited of `budget` and `claims` decided claims of 270 000 approved each. */
  async function fundAndClaims(deposit: number, claims: number, budget = deposit) {
    const fund: FundRecord = fundRecord({ funderId: funder.orgId, budget, deposit });
    expect((await ledger.createFund(fund, funder)).outcome).toBe('recorded');
    const decisions = Array.from({ length: claims }, () => decisionRecord({ payerId: payer.orgId }));
    await ledger.recordDecisions(decisions, payer);
    // Each peer must hold the fund and the decisions before it is asked to endorse a payment.
    await everyPeer(fund.fundId, (f) => f.allocated === 0);
    const payments = decisions.map((d) => paymentFor(d, fund.fundId));
    return { fund, payments };
  }

  /** The fund as each organization's peer sees it, once `accept` holds there (or time is up). */
  function everyPeer(fundId: string, accept: (fund: FundView) => boolean): Promise<FundView[]> {
    return Promise.all(
      ORG_KINDS.map((kind) =>
        eventually(
          () => peers.evaluateOn<FundView>(kind, 'GetFund', fundId).catch(() => null),
          (f) => f !== null && accept(f),
        ),
      ),
    ) as Promise<FundView[]>;
  }

  /** A RecordPayments proposal endorsed by the peers of `mspIds` only. */
  function endorsedOnlyBy(payments: PaymentRecord[], ...mspIds: string[]) {
    return asPayer
      .newProposal('RecordPayments', {
        arguments: [JSON.stringify(payments)],
        endorsingOrganizations: mspIds,
      })
      .endorse();
  }

  it("records a payment with the payer's and the funder's endorsements, and every peer sees the allocation", async () => {
    // Room under the budget for the top-up below.
    const { fund, payments } = await fundAndClaims(1_000_000, 1, 1_050_000);
    const [receipt] = await ledger.recordPayments(payments, payer);
    expect(receipt.outcome).toBe('recorded');
    // The Gateway found the funder's peer from the fund key's policy by itself.
    expect(await peers.endorsersOf(receipt.txId)).toEqual(['FunderMSP', 'PayerMSP']);
    for (const seen of await everyPeer(fund.fundId, (f) => f.allocated === 270_000)) {
      expect(seen).toMatchObject({ allocated: 270_000, remaining: 730_000 });
    }

    // The funder's top-up rewrites the fund too: the same two endorsements.
    const topUp = await ledger.topUpFund(
      { fundId: fund.fundId, topUpId: `top-${run}`, amount: 50_000 },
      funder,
    );
    expect(topUp.outcome).toBe('recorded');
    expect(await peers.endorsersOf(topUp.txId)).toEqual(['FunderMSP', 'PayerMSP']);
    for (const seen of await everyPeer(fund.fundId, (f) => f.total === 1_050_000)) {
      expect(seen).toMatchObject({ total: 1_050_000, allocated: 270_000, remaining: 780_000 });
    }
  });

  it("refuses at validation a payment endorsed by the payer's peer alone, leaving the fund as it was", async () => {
    const { fund, payments } = await fundAndClaims(1_000_000, 1);
    // The payer's own peer is content to endorse it: the chaincode's policy alone would let it through.
    const transaction = await endorsedOnlyBy(payments, 'PayerMSP');
    const status = await (await transaction.submit()).getStatus();
    expect(status.successful).toBe(false);
    expect(status.code).toBe(StatusCode.ENDORSEMENT_POLICY_FAILURE);

    for (const seen of await everyPeer(fund.fundId, () => true)) {
      expect(seen).toMatchObject({ total: 1_000_000, allocated: 0, remaining: 1_000_000 });
    }
    expect(await ledger.getPayment(payments[0].claimId)).toBeNull();
    expect(await ledger.getFundAllocations(fund.fundId)).toEqual([]);

    // Nothing was wrong with the payment but its endorsements.
    const [receipt] = await ledger.recordPayments(payments, payer);
    expect(receipt.outcome).toBe('recorded');
  });

  it("has the funder's peer refuse a payment that overspends the fund as its own ledger sees it", async () => {
    // Room for exactly one of two payments of 270 000.
    const { fund, payments } = await fundAndClaims(270_000, 2);
    const [first, second] = payments;
    // The payer's peer endorses the second payment while it still fits...
    const stale = await endorsedOnlyBy([second], 'PayerMSP');
    // ...then the first one is recorded, and the fund is spent.
    expect((await ledger.recordPayments([first], payer))[0].outcome).toBe('recorded');
    await everyPeer(fund.fundId, (f) => f.remaining === 0);

    // Asked now, the funder's peer checks the second payment against its own copy and refuses.
    const refusal = await endorsedOnlyBy([second], 'FunderMSP').catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(EndorseError);
    expect((refusal as EndorseError).details).toEqual([
      expect.objectContaining({
        mspId: 'FunderMSP',
        message: expect.stringContaining('FUND_OVERSPENT records[0].allocations[0].amount: fund'),
      }),
    ]);
    await expect(ledger.recordPayments([second], payer)).rejects.toMatchObject({
      code: 'CHAINCODE_REJECTED',
      chaincodeCode: 'FUND_OVERSPENT',
    });
    // The payer's earlier endorsement alone does not carry it either.
    const status = await (await stale.submit()).getStatus();
    expect(status.code).toBe(StatusCode.ENDORSEMENT_POLICY_FAILURE);

    for (const seen of await everyPeer(fund.fundId, () => true)) {
      expect(seen).toMatchObject({ total: 270_000, allocated: 270_000, remaining: 0 });
    }
    expect(await ledger.getPayment(second.claimId)).toBeNull();
  });
});
