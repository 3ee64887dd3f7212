import { writeFile } from 'node:fs/promises';
import { parseTrustAnchor } from '@claimtrail/ledger/proof';
import { trustFingerprint } from './trust-file';

/** `claimtrail trust fetch`: fetches the keys a verifier pins, once. */
export async function fetchTrust(opts: { apiUrl: string; out: string }): Promise<void> {
  const url = `${opts.apiUrl.replace(/\/$/, '')}/v1/ledger/trust`;
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const anchor = parseTrustAnchor(await res.json());
  await writeFile(opts.out, `${JSON.stringify(anchor, null, 2)}\n`);
  process.stdout.write(
    `wrote ${opts.out}: ${anchor.organizations.length} organization key(s), ${anchor.msps.length} MSP(s), ` +
      `${anchor.ledgerHeadKeyPem ? 'the ledger head key' : 'no ledger head key'}\n` +
      `fingerprint ${trustFingerprint(anchor)}: compare it with the platform's published one before you rely on it\n`,
  );
}
