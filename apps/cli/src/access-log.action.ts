import { accessLogVerifierOn } from '@claimtrail/claims';
import { withDatabaseAndLedger } from './database';

/** `claimtrail access-log verify`: re-checks the access log's hash chain and its ledger anchors. */
export async function verifyAccessLog(): Promise<void> {
  const verdict = await withDatabaseAndLedger((db, ledger) => accessLogVerifierOn(db, ledger).verify());
  if (verdict.ok) {
    const head = verdict.head ? `head seq ${verdict.head.seq} ${verdict.head.hash}` : 'empty';
    process.stdout.write(
      `OK: ${verdict.rowsChecked} rows and ${verdict.anchorsChecked} ledger anchors verified (${head})\n`,
    );
    return;
  }
  process.stderr.write(`FAILED: first bad row is seq ${verdict.firstBadSeq}: ${verdict.reason}\n`);
  process.exitCode = 1;
}
