#!/usr/bin/env node
'use strict';
/*
 * One Fabric organization's enrolment authority, run by that organization (up.sh starts one per
 * organization of the local network). It alone holds the organization's CA key. A registrar (the
 * claimtrail platform, for the organizations that delegate to it) asks it for a member
 * certificate over a platform organization's own public key; the authority decides what goes in:
 * OU=client, claimtrail.kind = this organization's one kind, claimtrail.orgId as asked, and an
 * organization id, once enrolled with a key, is never enrolled with another. The registrar never
 * sees the CA key and cannot obtain a certificate of another kind or re-key an organization.
 *
 *   POST /enrol  Authorization: Bearer <registrar secret>  {"orgId": "...", "publicKeyPem": "..."}
 *     200 {"certificatePem": "..."} | 400 bad request | 401 bad secret | 409 orgId enrolled with another key
 *   GET /healthz  200
 *
 * Settings (environment): ENROLMENT_PORT, ENROLMENT_KIND, ENROLMENT_CA_CERT, ENROLMENT_CA_KEY,
 * ENROLMENT_SECRET_FILE, ENROLMENT_STATE_FILE. Listens on 127.0.0.1 only.
 */
const { createHash, randomBytes, timingSafeEqual, webcrypto, createPublicKey } = require('node:crypto');
const { readFileSync, writeFileSync, renameSync, existsSync } = require('node:fs');
const http = require('node:http');
require('reflect-metadata'); // @peculiar/x509 needs it
const x509 = require('@peculiar/x509');

x509.cryptoProvider.set(webcrypto);

const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';
const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const port = Number(required('ENROLMENT_PORT'));
const kind = required('ENROLMENT_KIND');
const caCertPem = readFileSync(required('ENROLMENT_CA_CERT'), 'utf8');
const caKeyPem = readFileSync(required('ENROLMENT_CA_KEY'), 'utf8');
const secret = Buffer.from(readFileSync(required('ENROLMENT_SECRET_FILE'), 'utf8').trim(), 'utf8');
const stateFile = required('ENROLMENT_STATE_FILE');
const enrolled = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};

const pemBody = (pem) => {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength);
};
const dnEscape = (value) => value.replace(/([,+"\\<>;=])/g, '\\$1');

async function issue(orgId, publicKeyPem) {
  const caCert = new x509.X509Certificate(caCertPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(caKeyPem), EC_P256, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', pemBody(publicKeyPem), EC_P256, true, [
    'verify',
  ]);
  const attributes = JSON.stringify({ attrs: { 'claimtrail.kind': kind, 'claimtrail.orgId': orgId } });
  const caSki = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  // Fabric's MSP checks a member certificate as of its notBefore, when the CA must already be valid.
  const notBefore = new Date(Math.max(caCert.notBefore.getTime(), Date.now() - 60 * 60 * 1000));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: `CN=${dnEscape(orgId)}, OU=client`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(Math.min(caCert.notAfter.getTime(), notBefore.getTime() + 365 * 86_400_000)),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
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

function fingerprint(publicKeyPem) {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('publicKeyPem must be an EC P-256 public key');
  }
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function authorised(header) {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1], 'utf8');
  return given.length === secret.length && timingSafeEqual(given, secret);
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function enrol(req, res) {
  if (!authorised(req.headers.authorization)) return send(res, 401, { error: 'registrar secret required' });
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) return send(res, 413, { error: 'request too large' });
  }
  let request;
  try {
    request = JSON.parse(body);
  } catch {
    return send(res, 400, { error: 'body must be JSON' });
  }
  const { orgId, publicKeyPem } = request ?? {};
  if (typeof orgId !== 'string' || !ORG_ID.test(orgId))
    return send(res, 400, { error: 'orgId must match ' + ORG_ID });
  let print;
  try {
    print = fingerprint(String(publicKeyPem));
  } catch (err) {
    return send(res, 400, { error: `publicKeyPem: ${err.message}` });
  }
  if (enrolled[orgId] && enrolled[orgId] !== print) {
    return send(res, 409, { error: `organization ${orgId} is already enrolled with another key` });
  }
  if (!enrolled[orgId]) {
    enrolled[orgId] = print;
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(enrolled, null, 1));
    renameSync(`${stateFile}.tmp`, stateFile);
    console.log(`${new Date().toISOString()} enrolled ${orgId} as ${kind} (key ${print.slice(0, 16)})`);
  }
  return send(res, 200, { certificatePem: await issue(orgId, publicKeyPem) });
}

http
  .createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { status: 'ok' });
    if (req.method === 'POST' && req.url === '/enrol') {
      return enrol(req, res).catch((err) => {
        console.error(err);
        send(res, 500, { error: 'enrolment failed' });
      });
    }
    return send(res, 404, { error: 'not found' });
  })
  .listen(port, '127.0.0.1', () => console.log(`enrolment authority (${kind}) on 127.0.0.1:${port}`));
