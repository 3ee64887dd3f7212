import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { FabricLedger, loadFabricNetworkConfig, type TrustAnchor } from '@claimtrail/ledger';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { ReconcilerService } from '@claimtrail/claims/ledger-sync/reconciliation/reconciler.service';
import { ReconciliationRepository } from '@claimtrail/claims/infra/repositories/reconciliation.repository';
import { Metrics } from '@claimtrail/claims/observability/metrics';
import { organizationsServiceOn } from '@claimtrail/claims/infra/repositories/access-on-data-source';
import { withDatabaseAndLedger, withLedger } from './database';
import { readTrustFile } from './trust-file';

/** `claimtrail ledger check|head`: re-verifies the chain, prints its head. */
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
    .action(async (opts: { trust?: string }) => {
      const result = await withDatabaseAndLedger(async (db, l) => {
        const trust: TrustAnchor = opts.trust
          ? await readTrustFile(opts.trust)
          : {
              version: 1,
              organizations: await organizationsServiceOn(db).trustedOrganizations(),
              msps: [],
              ledgerHeadKeyPem: l.headPublicKeyPem?.(),
            };
        return l.checkChain(trust);
      });
      const state = result.stateChecked === undefined ? '' : `, ${result.stateChecked} world-state keys`;
      if (result.ok) {
        process.stdout.write(`OK: ${result.blocksChecked} blocks verified${state}\n`);
        return;
      }
      const problem = result.firstBadBlock
        ? `block ${result.firstBadBlock.number} is bad: ${result.firstBadBlock.reason}`
        : `world state ${result.firstBadState!.key} differs from the chain: ${result.firstBadState!.reason}`;
      process.stderr.write(`FAILED: ${problem} (${result.blocksChecked} blocks checked${state})\n`);
      process.exitCode = 1;
    });
  ledger
    .command('reconcile')
    .description(
      'compare every decision, payment, allocation and fund in PostgreSQL with its ledger record (--full), or what changed since the last pass; exits 1 naming each difference',
    )
    .option('--full', 'compare everything, not only what changed since the last pass')
    .action(async (opts: { full?: boolean }) => {
      const report = await withDatabaseAndLedger((db, l) => {
        const reconciler = new ReconcilerService(db, l, new ReconciliationRepository(db), new Metrics());
        return opts.full ? reconciler.full() : reconciler.fromStoredCursor();
      });
      const rate = report.seconds > 0 ? Math.round(report.records / report.seconds) : report.records;
      process.stdout.write(
        `${report.mode} reconciliation: ${report.claims} claims and ${report.funds} funds, ${report.records} ledger records ` +
          `in ${report.seconds.toFixed(1)} s (${rate} records/s)\n`,
      );
      for (const d of report.differences)
        process.stderr.write(
          `MISMATCH: ${d.subjectType} ${d.subjectId} ${d.field}: database ${JSON.stringify(d.database)}, ledger ${JSON.stringify(d.ledger)}\n`,
        );
      if (report.differences.length > 0) process.exitCode = 1;
      else process.stdout.write('OK: PostgreSQL agrees with the ledger\n');
    });
  ledger
    .command('fabric-trust')
    .description(
      "write a trust file for `claimtrail verify --trust`: the MSPs' root certificates from the channel's configuration, as a peer of FABRIC_NETWORK_CONFIG returns it, and the kind each stands for; check it once against what the organizations publish, then keep it",
    )
    .option('--out <file>', 'write it here instead of standard output')
    .action(async (opts: { out?: string }) => {
      const ledger = new FabricLedger(loadFabricNetworkConfig(loadConfig().FABRIC_NETWORK_CONFIG));
      try {
        const trust: TrustAnchor = { version: 1, organizations: [], msps: await ledger.trustedMsps() };
        const text = `${JSON.stringify(trust, null, 2)}\n`;
        if (opts.out) await writeFile(opts.out, text, { mode: 0o644 });
        else process.stdout.write(text);
      } finally {
        ledger.close();
      }
    });
  ledger
    .command('head')
    .description('print the newest block')
    .action(async () => {
      const head = await withLedger((l) => l.head());
      process.stdout.write(`${JSON.stringify(head)}\n`);
    });
}
