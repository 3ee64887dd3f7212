import { phiCipher, rotatePhi } from '@claimtrail/claims';
import { withDatabase } from './database';

/** `claimtrail keys rotate-phi`: re-encrypts stored PHI under the first key of PHI_KEYS. */
export async function rotatePhiKeys(opts: { batchSize: string }): Promise<void> {
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error('--batch-size must be a positive integer');
  const counts = await withDatabase((db) => rotatePhi(db, { batchSize }));
  const width = Math.max(...counts.map((c) => c.column.length));
  process.stdout.write(`active key "${phiCipher().activeKid}"\n`);
  for (const c of counts) {
    process.stdout.write(`${c.column.padEnd(width)}  rotated ${c.rotated}  remaining ${c.remaining}\n`);
  }
  const remaining = counts.reduce((n, c) => n + c.remaining, 0);
  if (remaining > 0) {
    // Rows written meanwhile by a process still on the old keyring: restart it and run again.
    process.stderr.write(`${remaining} values are still under an older key; run rotate-phi again\n`);
    process.exitCode = 1;
  }
}
