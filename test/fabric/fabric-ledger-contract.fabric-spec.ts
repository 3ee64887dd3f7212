import { assertFabricReachable, FabricLedger } from '@claimtrail/ledger';
import { describeLedgerContract } from '../support/ledger-contract';

/** The LedgerPort contract on FabricLedger, against the local network. */
describeLedgerContract('FabricLedger on the local network', async () => {
  // No network is a failure, never a skip.
  const network = await assertFabricReachable(process.env.FABRIC_NETWORK_CONFIG!);
  const ledger = new FabricLedger(network);
  // The tier's global setup waited until the network endorses a funder's transaction.
  const msps = await ledger.trustedMsps();
  return {
    ledger,
    // Fabric proofs are checked against the channel's MSPs, whatever organizations signed.
    trust: async () => ({ version: 1, organizations: [], msps }),
    recordedBy: (signer) => network.orgs[signer.kind as 'payer' | 'provider' | 'funder'].mspId,
    close: async () => ledger.close(),
  };
});
