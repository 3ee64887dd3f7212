import { createHash } from 'node:crypto';

/**
 * Review-sampling draw in [0, 1): the first 6 bytes of SHA-256(`${claimId}:${ledgerHeadHash}`)
 * read big-endian and divided by 2^48. Both inputs are fixed before the payer sees the claim, so
 * a donor can re-derive whether a claim should have been sampled.
 */
export function samplingDraw(claimId: string, ledgerHeadHash: string): number {
  const digest = createHash('sha256').update(`${claimId}:${ledgerHeadHash}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
