import { z } from 'zod';
import { LedgerError } from '../ledger.errors';

/** Where an organization's enrolment authority is, and the registrar secret it gave the platform. */
export interface EnrolmentEndpoint {
  url: string;
  secret: string;
}

/** A platform organization to enrol: its id and its own ledger signing key (public part). */
export interface Enrollee {
  orgId: string;
  publicKeyPem: string;
}

const answer = z.object({ certificatePem: z.string().startsWith('-----BEGIN CERTIFICATE-----') });

/**
 * Asks a Fabric organization's enrolment authority for a member certificate over the platform
 * organization's own public key. The authority, not the platform, decides the certificate's
 * contents (OU=client, its organization's kind, the org id) and refuses to certify another key for
 * an org id it has certified before; the platform holds only the registrar secret.
 */
export async function enrol(endpoint: EnrolmentEndpoint, enrollee: Enrollee): Promise<string> {
  let response: Response;
  try {
    response = await fetch(new URL('/enrol', endpoint.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: enrollee.orgId, publicKeyPem: enrollee.publicKeyPem }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new LedgerError(
      'UNAVAILABLE',
      `enrolment authority ${endpoint.url} is unreachable: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new LedgerError(
      'SIGNING_FAILED',
      `enrolment authority ${endpoint.url} refused to enrol ${enrollee.orgId}: ${response.status} ${text.slice(0, 300)}`,
    );
  }
  const parsed = answer.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new LedgerError('SIGNING_FAILED', `enrolment authority ${endpoint.url} sent no certificate`);
  return parsed.data.certificatePem;
}
