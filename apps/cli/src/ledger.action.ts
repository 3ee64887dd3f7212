import { writeFile } from 'node:fs/promises';
import { FabricLedger, loadFabricNetworkConfig, type TrustAnchor } from '@claimtrail/ledger';
import { loadConfig } from '@claimtrail/claims/config';
import {
  ReconcilerService,
  ReconciliationRepository,
  Metrics,
  organizationsServiceOn,
} from '@claimtrail/claims';
import { withDatabaseAndLedger, withLedger } from './database';
import { readTrustFile } from './trust-file';

/** `claimtrail ledger check`: re-verifies every block, and the world state, against trusted keys. */
export async function checkLedger(opts: { trust?: string }): Promise<void> {
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
}

/** `claimtrail ledger reconcile`: compares PostgreSQL with the ledger, fully or since the last pass. */
export async function reconcileLedger(opts: { full?: boolean }): Promise<void> {
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
}

/** `claimtrail ledger fabric-trust`: the channel's MSP roots as a trust file. */
export async function writeFabricTrust(opts: { out?: string }): Promise<void> {
  const ledger = new FabricLedger(loadFabricNetworkConfig(loadConfig().FABRIC_NETWORK_CONFIG));
  try {
    const trust: TrustAnchor = { version: 1, organizations: [], msps: await ledger.trustedMsps() };
    const text = `${JSON.stringify(trust, null, 2)}\n`;
    if (opts.out) await writeFile(opts.out, text, { mode: 0o644 });
    else process.stdout.write(text);
  } finally {
    ledger.close();
  }
}

/** `claimtrail ledger head`: prints the newest block. */
export async function printHead(): Promise<void> {
  const head = await withLedger((l) => l.head());
  process.stdout.write(`${JSON.stringify(head)}\n`);
}
