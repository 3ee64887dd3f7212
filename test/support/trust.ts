import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrustAnchor, type TrustAnchor } from '@claimtrail/ledger';

/** The platform's trust anchor (GET /v1/ledger/trust), written to `dir`/trust.json for the CLI. */
export async function fetchTrust(
  baseUrl: string,
  dir?: string,
): Promise<{ trust: TrustAnchor; path: string }> {
  const res = await fetch(`${baseUrl}/v1/ledger/trust`);
  if (!res.ok) throw new Error(`GET /v1/ledger/trust answered ${res.status}`);
  const trust = parseTrustAnchor(await res.json());
  const path = dir ? join(dir, 'trust.json') : '';
  if (dir) writeFileSync(path, JSON.stringify(trust));
  return { trust, path };
}
