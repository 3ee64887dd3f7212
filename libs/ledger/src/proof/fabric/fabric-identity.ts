import 'reflect-metadata'; // @peculiar/x509 needs it
import { verify, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { msp } from '@hyperledger/fabric-protos';
import type { TrustAnchor } from '../trust-anchor';

/** Extension in which Fabric CA puts an enrolment's attributes; the chaincode shim reads it. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

/** A Fabric identity whose certificate chains to a root of its MSP in the verifier's trust file. */
export interface TrustedIdentity {
  mspId: string;
  /** The kind of organization the trust file says the MSP stands for. */
  kind: string;
  cert: X509Certificate;
  /** The certificate's organizational units (NodeOUs: client, peer, admin, orderer). */
  ous: string[];
  /** Fabric CA attributes (claimtrail.kind, claimtrail.orgId), empty when there are none. */
  attributes: Record<string, string>;
}

/**
 * Decodes a serialized identity (creator or endorser) and checks it against the trust file: its
 * MSP is one the verifier trusts, its certificate was issued and signed by one of that MSP's root
 * certificates, and was valid at `at` (the transaction's time). Returns the identity or why not.
 */
export function trustedIdentity(
  serialized: Uint8Array,
  trust: TrustAnchor,
  at: Date,
): TrustedIdentity | string {
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  const mspId = identity.getMspid();
  const anchor = trust.msps.find((m) => m.mspId === mspId);
  if (!anchor) return `${mspId || 'an unnamed MSP'} is not in the trust file`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(identity.getIdBytes_asU8()));
  } catch {
    return `${mspId}'s identity is not an X.509 certificate`;
  }
  const issued = anchor.rootCertsPem.some((pem) => {
    try {
      const root = new X509Certificate(pem);
      return cert.checkIssued(root) && cert.verify(root.publicKey);
    } catch {
      return false;
    }
  });
  if (!issued)
    return `the certificate '${cert.subject.replace(/\n/g, ', ')}' was not issued by a root of ${mspId} in the trust file`;
  if (at < new Date(cert.validFrom) || at > new Date(cert.validTo)) {
    return `the certificate '${cert.subject.replace(/\n/g, ', ')}' of ${mspId} was not valid at ${at.toISOString()}`;
  }
  const parsed = new x509.X509Certificate(cert.raw);
  const extension = parsed.getExtension(FABRIC_ATTRIBUTES_OID);
  let attributes: Record<string, string> = {};
  if (extension) {
    try {
      attributes =
        (JSON.parse(Buffer.from(extension.value).toString('utf8')) as { attrs?: Record<string, string> })
          .attrs ?? {};
    } catch {
      return `the certificate's attributes of ${mspId} are not JSON`;
    }
  }
  return {
    mspId,
    kind: anchor.kind,
    cert,
    ous: parsed.subjectName.getField('OU'),
    attributes,
  };
}

/** Whether `signature` (ECDSA, DER, SHA-256 as Fabric signs) over `data` is the certificate key's. */
export function signedBy(identity: TrustedIdentity, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, { key: identity.cert.publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
