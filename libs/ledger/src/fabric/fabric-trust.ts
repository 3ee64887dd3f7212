import { common, msp } from '@hyperledger/fabric-protos';
import type { OrgKind } from '../chain/transaction';
import type { TrustAnchor } from '../proof/trust-anchor';

/**
 * The `msps` part of a trust file from a channel's configuration (cscc GetChannelConfig): each
 * application organization's MSP id and root certificates, as the channel itself defines them, with
 * the kind of organization `kinds` says the MSP stands for. MSPs `kinds` does not name are left out.
 */
export function fabricTrustMsps(
  channelConfig: Uint8Array,
  kinds: ReadonlyMap<string, OrgKind>,
): TrustAnchor['msps'] {
  const config = common.Config.deserializeBinary(channelConfig);
  const application = config.getChannelGroup()!.getGroupsMap().get('Application');
  if (!application) throw new Error('the channel configuration has no Application group');
  const msps: TrustAnchor['msps'] = [];
  application.getGroupsMap().forEach((group: common.ConfigGroup) => {
    const value = group.getValuesMap().get('MSP');
    if (!value) return;
    const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
    if (mspConfig.getType() !== 0) return; // 0 = FABRIC (X.509); idemix MSPs have no root certificates
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    const kind = kinds.get(fabric.getName());
    if (!kind) return;
    msps.push({
      mspId: fabric.getName(),
      kind,
      rootCertsPem: fabric.getRootCertsList_asU8().map((c) => Buffer.from(c).toString('utf8')),
    });
  });
  return msps.sort((a, b) => a.mspId.localeCompare(b.mspId));
}
