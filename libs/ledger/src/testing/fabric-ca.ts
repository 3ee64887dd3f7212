import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE } from '@claimtrail/chaincode/caller-identity';
import { FABRIC_ATTRIBUTES_OID } from '../proof/fabric/fabric-identity';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** An identity to certify: organization id, kind and public key. */
export interface Enrollee {
  orgId: string;
  kind: string;
  publicKeyPem: string;
  /** The NodeOU: client (default) or peer. */
  ou?: 'client' | 'peer';
}

/** The Fabric organization's CA: certificate and private key, PEM. */
export interface IssuingCa {
  certPem: string;
  keyPem: string;
}

/**
 * Issues a Fabric client certificate with any attributes, with any CA's key: what a Fabric
 * organization's CA (fabric/enrolment-ca.js) does, for tests that play an organization's CA
 * administrator, honest or not. The platform itself holds no CA key and enrols through each
 * organization's enrolment authority (fabric/enrolment.ts).
 */
export async function issueClientCertificate(enrollee: Enrollee, ca: IssuingCa): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.keyPem), EC_P256, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', pemBody(enrollee.publicKeyPem), EC_P256, true, [
    'verify',
  ]);
  const attributes = JSON.stringify({
    attrs: { [KIND_ATTRIBUTE]: enrollee.kind, [ORG_ID_ATTRIBUTE]: enrollee.orgId },
  });
  const caSki = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  // Fabric's MSP checks a member certificate as of its notBefore, when the CA must already be valid.
  const notBefore = new Date(Math.max(caCert.notBefore.getTime(), Date.now() - 60 * 60 * 1000));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: `CN=${dnEscape(enrollee.orgId)}, OU=${enrollee.ou ?? 'client'}`,
    issuer: caCert.subject,
    notBefore,
    // Not after the CA itself.
    notAfter: new Date(Math.min(caCert.notAfter.getTime(), notBefore.getTime() + 365 * 86_400_000)),
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      ...(caSki ? [new x509.AuthorityKeyIdentifierExtension(caSki)] : []),
      new x509.Extension(FABRIC_ATTRIBUTES_OID, false, Buffer.from(attributes, 'utf8')),
    ],
  });
  return cert.toString('pem');
}

function pemBody(pem: string): ArrayBuffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

function dnEscape(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

/** A CA of nobody's: a self-signed P-256 CA certificate and its key, PEM (a forger's "root"). */
export async function homeMadeCa(name = 'home-made CA'): Promise<IssuingCa> {
  const keys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${dnEscape(name)}`,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    certPem: cert.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`,
  };
}
