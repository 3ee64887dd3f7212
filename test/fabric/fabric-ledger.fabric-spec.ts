import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, EndorseError, hash, signers } from '@hyperledger/fabric-gateway';
import { loadFabricNetworkConfig } from '@claimtrail/ledger';
import { issueClientCertificate } from '@claimtrail/ledger/testing/fabric-ca';
import { organizationCa } from './support/fabric-peers';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';

/**
 * What only Fabric enforces, on the local network: an MSP's CA vouches for its own members only.
 * What every ledger does is the LedgerPort contract (fabric-ledger-contract.fabric-spec.ts).
 */
describe('FabricLedger on the local network', () => {
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
});
