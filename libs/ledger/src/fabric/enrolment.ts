import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE } from '@claimtrail/chaincode/caller-identity';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Extension in which Fabric CA puts an enrolment's attributes; the chaincode shim reads it. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A platform organization to enrol: its id, kind and ledger signing key. */
export interface Enrollee {
  orgId: string;
  kind: string;
  publicKeyPem: string;
}

/** The Fabric organization's CA: certificate and private key, PEM. */
export interface IssuingCa {
  certPem: string;
  keyPem: string;
}

/**
 * Issues a platform organization its Fabric client certificate, as Fabric CA would on enrolment
 * with `--id.attrs claimtrail.kind=…,claimtrail.orgId=…`: the organization's own signing key,
 * OU=client (the MSPs classify identities by OU), and the attributes the chaincode's access rules
 * read. The certificate is derived from the key and attributes only, so every process issues an
 * equivalent one.
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
    subject: `CN=${dnEscape(enrollee.orgId)}, OU=client`,
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
