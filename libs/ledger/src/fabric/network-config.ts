import { readFileSync } from 'node:fs';
import { z } from 'zod';

const orgSchema = z.object({
  mspId: z.string().min(1),
  /** host:port of the organization's peer (its Gateway service). */
  peerEndpoint: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port'),
  /** Name in the peer's TLS certificate, when it differs from the endpoint's host. */
  peerHostAlias: z.string().min(1).optional(),
  tlsRootCertPath: z.string().min(1),
  /** The organization's CA certificate (the root of its MSP); the platform holds no CA key. */
  caCertPath: z.string().min(1),
  /**
   * The organization's enrolment authority and the registrar secret it gave the platform, when the
   * organization delegates signing to the platform; absent, the platform never signs for it.
   */
  enrolment: z.object({ url: z.url({ protocol: /^https?$/ }), secretPath: z.string().min(1) }).optional(),
  /** An ordinary member identity of the organization, used for reads. */
  userCertPath: z.string().min(1),
  userKeyPath: z.string().min(1),
});

const networkSchema = z.object({
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  orgs: z.object({ payer: orgSchema, provider: orgSchema, funder: orgSchema }),
  blockCutting: z
    .object({
      batchTimeout: z.string(),
      maxMessageCount: z.number().int().positive(),
      preferredMaxBytes: z.number().int().positive(),
    })
    .optional(),
});

/** One Fabric organization as the client sees it. */
export type FabricOrgConfig = z.infer<typeof orgSchema>;
/** Platform organization kinds that own a Fabric organization. */
export type FabricOrgKind = keyof z.infer<typeof networkSchema>['orgs'];
/** Where the network is and which organization stands for which kind of platform organization. */
export type FabricNetworkConfig = z.infer<typeof networkSchema>;

/**
 * Reads a network description (the file `npm run fabric:up` writes, or one written by hand for an
 * existing network; see fabric/README.md). Fails with the file and the field at fault.
 */
export function loadFabricNetworkConfig(path: string): FabricNetworkConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(
      `FABRIC_NETWORK_CONFIG: cannot read ${path} (${(err as Error).message}); run \`npm run fabric:up\` or point it at your network's description`,
      { cause: err },
    );
  }
  const parsed = networkSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(
      `FABRIC_NETWORK_CONFIG: ${path} is not a valid network description: ${issues.join('; ')}`,
    );
  }
  return parsed.data;
}
