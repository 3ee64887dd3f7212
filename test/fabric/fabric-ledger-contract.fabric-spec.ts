import { assertFabricReachable, FabricLedger } from '@claimtrail/ledger';
import { signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord } from '@claimtrail/ledger/testing/fund-fixtures';
import { describeLedgerContract } from '../support/ledger-contract';
import { eventually } from './support/fabric-peers';

/** The LedgerPort contract on FabricLedger, against the local network. */
describeLedgerContract('FabricLedger on the local network', async () => {
  // No network is a failure, never a skip.
  const network = await assertFabricReachable(process.env.FABRIC_NETWORK_CONFIG!);
  const ledger = new FabricLedger(network);
  // Just after start-up a peer may not know the other organizations' peers yet (gossip), so no
  // endorsement plan for a funder's transaction, which needs the payer's peer too: wait for one.
  const warm = signingIdentity({ orgId: `funder-warm-${Date.now().toString(36)}`, kind: 'funder' });
  await eventually(
    () =>
      ledger.createFund(fundRecord({ funderId: warm.orgId }), warm).then(
        () => true,
        () => false,
      ),
    (created) => created,
    60_000,
  );
  const msps = await ledger.trustedMsps();
  return {
    ledger,
    // Fabric proofs are checked against the channel's MSPs, whatever organizations signed.
    trust: async () => ({ version: 1, organizations: [], msps }),
    recordedBy: (signer) => network.orgs[signer.kind as 'payer' | 'provider' | 'funder'].mspId,
    close: async () => ledger.close(),
  };
});
