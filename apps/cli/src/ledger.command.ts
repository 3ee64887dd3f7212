import { Command } from 'commander';
import { EmbeddedLedger } from '@claimtrail/ledger';
import { withDatabase } from './database';

/** `claimtrail ledger check|head`: re-verifies the stored chain. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('inspect the embedded ledger');
  ledger
    .command('check')
    .description('re-verify every stored block and transaction; exits 1 and names the first bad block')
    .action(async () => {
      const result = await withDatabase((db) => new EmbeddedLedger(db).checkChain());
      if (result.ok) {
        process.stdout.write(`OK: ${result.blocksChecked} blocks verified\n`);
        return;
      }
      const bad = result.firstBadBlock!;
      process.stderr.write(
        `FAILED: block ${bad.number} is bad: ${bad.reason} (${result.blocksChecked} blocks checked)\n`,
      );
      process.exitCode = 1;
    });
  ledger
    .command('head')
    .description('print the newest block')
    .action(async () => {
      const head = await withDatabase((db) => new EmbeddedLedger(db).head());
      process.stdout.write(`${JSON.stringify(head)}\n`);
    });
}
