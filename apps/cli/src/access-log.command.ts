import type { Command } from 'commander';
import { accessLogVerifierOn } from '@claimtrail/claims/infra/repositories/access-on-data-source';
import { withDatabaseAndLedger } from './database';

/** `claimtrail access-log verify`: re-checks the access log's hash chain and its ledger anchors. */
export function registerAccessLogCommands(program: Command): void {
  const log = program.command('access-log').description('the audit trail of reads, refusals and key events');
  log
    .command('verify')
    .description(
      "re-check every row's sequence, link and hash, and every ledger anchor of the head; exits 1 naming the first bad row",
    )
    .action(async () => {
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
    });
}
