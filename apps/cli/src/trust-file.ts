import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import { parseTrustAnchor, type TrustAnchor } from '@claimtrail/ledger/proof';

/** Reads and validates a trust file; throws naming the file and what is wrong with it. */
export async function readTrustFile(path: string): Promise<TrustAnchor> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the trust file ${path}`, { cause: err });
  }
  try {
    return parseTrustAnchor(JSON.parse(text));
  } catch (err) {
    throw new Error(`${path}: ${err instanceof SyntaxError ? 'not JSON' : (err as Error).message}`, {
      cause: err,
    });
  }
}

/** SHA-256 of a trust anchor's canonical JSON, hex: what two parties compare to know they pinned the same. */
export function trustFingerprint(trust: TrustAnchor): string {
  return createHash('sha256').update(canonicalJson(trust)).digest('hex');
}
