import { FabricLedger, loadFabricNetworkConfig, type FabricProofBundle } from '@claimtrail/ledger';
import { loadFabricNetworkConfigPath } from '@claimtrail/claims/config';

/**
 * Asks a peer what a Fabric proof cannot show offline: its block at the proof's number has the
 * proof's header hash and holds the transaction, and the peer marked the transaction valid.
 */
export async function peerProblems(bundle: FabricProofBundle): Promise<string[]> {
  const network = loadFabricNetworkConfig(loadFabricNetworkConfigPath());
  if (network.channel !== bundle.channel)
    return [`the proof is for channel ${bundle.channel}, the network's is ${network.channel}`];
  const ledger = new FabricLedger(network);
  try {
    return await ledger.confirmProof(bundle);
  } finally {
    ledger.close();
  }
}

/** The hash a peer of the configured network gives block `number`. */
export async function peerBlockHash(number: number): Promise<string> {
  const ledger = new FabricLedger(loadFabricNetworkConfig(loadFabricNetworkConfigPath()));
  try {
    return await ledger.blockHash(number);
  } finally {
    ledger.close();
  }
}
