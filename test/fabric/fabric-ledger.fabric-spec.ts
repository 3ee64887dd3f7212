import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, EndorseError, hash, signers } from '@hyperledger/fabric-gateway';
import {
  FabricLedger,
  LedgerError,
  loadFabricNetworkConfig,
  verifyProofBundle,
  type TrustAnchor,
} from '@claimtrail/ledger';
import { issueClientCertificate } from '@claimtrail/ledger/testing/fabric-ca';
import { organizationCa } from './support/fabric-peers';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';

describe('FabricLedger on the local network', () => {
  let ledger: FabricLedger;
  const payer = signingIdentity({ orgId: `payer-${Date.now().toString(36)}`, kind: 'payer' });

  beforeAll(() => {
    ledger = new FabricLedger(loadFabricNetworkConfig(process.env.FABRIC_NETWORK_CONFIG!));
  });

  afterAll(() => ledger?.close());

  it('records a batch in one transaction, names its block, and takes the same batch again as unchanged', async () => {
    const records = Array.from({ length: 20 }, () => decisionRecord({ payerId: payer.orgId }));
    const first = await ledger.recordDecisions(records, payer);
    expect(first).toHaveLength(20);
    expect(new Set(first.map((r) => r.outcome))).toEqual(new Set(['recorded']));
    expect(new Set(first.map((r) => r.txId)).size).toBe(1);
    const block = first[0].blockNumber!;
    expect(block).toBeGreaterThan(0);
    expect((await ledger.head()).blockNumber).toBeGreaterThanOrEqual(block);

    const again = await ledger.recordDecisions(records, payer);
    expect(again.map((r) => [r.outcome, r.txId, r.blockNumber])).toEqual(
      first.map((r) => ['unchanged', r.txId, block]),
    );
    const changed = await ledger.recordDecisions([{ ...records[0], status: 'rejected' }], payer);
    expect(changed[0]).toMatchObject({ outcome: 'conflict', txId: first[0].txId, blockNumber: null });

    const history = await ledger.getClaimHistory(records[3].claimId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ ...records[3], txId: first[0].txId, recordedBy: 'PayerMSP' });
  });

  it('proves a recorded claim with what a peer returns, and the proof catches an altered record', async () => {
    const [record] = [decisionRecord({ payerId: payer.orgId })];
    const [receipt] = await ledger.recordDecisions([record], payer);
    const proof = (await ledger.proveClaim(record.claimId)) as unknown as Record<string, any>;
    expect(proof).toMatchObject({ ledger: 'fabric', txId: receipt.txId, blockNumber: receipt.blockNumber });
    const trust: TrustAnchor = { version: 1, organizations: [], msps: await ledger.trustedMsps() };
    expect(verifyProofBundle(proof, trust)).toEqual({ ok: true });

    const altered = structuredClone(proof);
    altered.record.totals.approved += 100_000;
    const result = verifyProofBundle(altered, trust);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('differs from what the transaction wrote');
    expect(await ledger.proveClaim('no-such-claim')).toBeNull();
  });

  it("refuses a decision signed with a provider's identity", async () => {
    const provider = signingIdentity({ orgId: `provider-${Date.now().toString(36)}`, kind: 'provider' });
    const attempt = ledger.recordDecisions([decisionRecord({ payerId: provider.orgId })], provider);
    await expect(attempt).rejects.toBeInstanceOf(LedgerError);
    await expect(attempt).rejects.toMatchObject({ code: 'CHAINCODE_REJECTED', chaincodeCode: 'FORBIDDEN' });
  });

  it("refuses a payer's role in a certificate from a clinic's CA", async () => {
    // The provider organization's CA issues one of its members the attributes of a payer.
    const network = loadFabricNetworkConfig(process.env.FABRIC_NETWORK_CONFIG!);
    const clinic = network.orgs.provider;
    const forger = signingIdentity({ orgId: `forged-${Date.now().toString(36)}`, kind: 'payer' });
    const cert = await issueClientCertificate(forger, organizationCa(clinic));
    const client = new grpc.Client(
      clinic.peerEndpoint,
      grpc.credentials.createSsl(readFileSync(clinic.tlsRootCertPath)),
      {
        'grpc.ssl_target_name_override': clinic.peerHostAlias!,
      },
    );
    const gateway = connect({
      client,
      identity: { mspId: clinic.mspId, credentials: Buffer.from(cert) },
      signer: signers.newPrivateKeySigner(createPrivateKey(forger.privateKeyPem)),
      hash: hash.sha256,
    });
    try {
      const contract = gateway.getNetwork(network.channel).getContract(network.chaincode);
      const attempt = contract.submitTransaction(
        'RecordDecisions',
        JSON.stringify([decisionRecord({ payerId: forger.orgId })]),
      );
      await expect(attempt).rejects.toBeInstanceOf(EndorseError);
      await expect(attempt).rejects.toMatchObject({
        details: expect.arrayContaining([
          expect.objectContaining({
            message: expect.stringContaining(
              'FORBIDDEN: members of ProviderMSP may not act as a payer organization',
            ),
          }),
        ]),
      });
    } finally {
      gateway.close();
      client.close();
    }
  });

  it("refuses a payer's decision for another payer", async () => {
    const attempt = ledger.recordDecisions([decisionRecord({ payerId: 'someone-else' })], payer);
    await expect(attempt).rejects.toMatchObject({
      code: 'CHAINCODE_REJECTED',
      chaincodeCode: 'PAYER_MISMATCH',
    });
  });

  it('verifies every block of the channel: data hashes and header links', async () => {
    const check = await ledger.checkChain();
    expect(check).toEqual({ ok: true, blocksChecked: (await ledger.head()).height });
  });
});
