import { Command } from 'commander';
import { withLedger } from './database';

/** `claimtrail ledger check|head`: re-verifies the chain, prints its head. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('inspect the ledger (LEDGER: embedded or fabric)');
  ledger
    .command('check')
    .description(
      're-verify every block (and, embedded, every transaction); exits 1 and names the first bad block',
    )
    .action(async () => {
      const result = await withLedger((l) => l.checkChain());
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
      const head = await withLedger((l) => l.head());
      process.stdout.write(`${JSON.stringify(head)}\n`);
    });
}
