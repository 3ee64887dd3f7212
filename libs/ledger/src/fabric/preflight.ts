import { FabricLedger } from './fabric-ledger';
import { loadFabricNetworkConfig, type FabricNetworkConfig } from './network-config';

/** Reads the network description and asks a peer for the channel's head; fails with one clear line. */
export async function assertFabricReachable(path: string): Promise<FabricNetworkConfig> {
  const network = loadFabricNetworkConfig(path);
  const ledger = new FabricLedger(network);
  try {
    await ledger.head();
  } catch (err) {
    throw new Error(
      `the Fabric network in ${path} does not answer (${(err as Error).message}); start it with \`npm run fabric:up\``,
      { cause: err },
    );
  } finally {
    ledger.close();
  }
  return network;
}
