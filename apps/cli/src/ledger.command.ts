import type { Command } from 'commander';

const action = () => require('./ledger.action') as typeof import('./ledger.action');

/** `claimtrail ledger check|reconcile|fabric-trust|head`: re-verifies the chain, prints its head. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('inspect the ledger (LEDGER: embedded or fabric)');
  ledger
    .command('check')
    .description(
      "re-verify every block (embedded: every transaction against its organization's registered key, every checkpoint against the ledger head key, then the world state rebuilt from the write sets); exits 1 naming the first bad block or key",
    )
    .option(
      '--trust <file>',
      'hold signatures to the keys pinned in this trust file instead of the organizations table (which an insider could edit)',
    )
    .action((opts: { trust?: string }) => action().checkLedger(opts));
  ledger
    .command('reconcile')
    .description(
      'compare every decision, payment, allocation and fund in PostgreSQL with its ledger record (--full), or what changed since the last pass; exits 1 naming each difference',
    )
    .option('--full', 'compare everything, not only what changed since the last pass')
    .action((opts: { full?: boolean }) => action().reconcileLedger(opts));
  ledger
    .command('fabric-trust')
    .description(
      "write a trust file for `claimtrail verify --trust`: the MSPs' root certificates from the channel's configuration, as a peer of FABRIC_NETWORK_CONFIG returns it, and the kind each stands for; check it once against what the organizations publish, then keep it",
    )
    .option('--out <file>', 'write it here instead of standard output')
    .action((opts: { out?: string }) => action().writeFabricTrust(opts));
  ledger
    .command('head')
    .description('print the newest block')
    .action(() => action().printHead());
}
