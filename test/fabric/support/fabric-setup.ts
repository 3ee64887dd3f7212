import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertFabricReachable, FabricLedger } from '@claimtrail/ledger';
import { signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord } from '@claimtrail/ledger/testing/fund-fixtures';
import { TABLE_ENV } from '../../faults/support/fault-table';
import { createProjectDatabase } from '../../support/project-database';

const ROOT = join(__dirname, '..', '..', '..');
const NETWORK_CONFIG = join(ROOT, '.fabric', 'network', 'network.json');

/**
 * Waits until the network endorses a funder's transaction. Just after start-up a peer may not yet
 * know the other organizations' peers (gossip), so there is no endorsement plan for a transaction
 * that needs the payer's peer too; every suite starts once there is one.
 */
async function untilEndorsementPlansExist(ms = 120_000): Promise<void> {
  const ledger = new FabricLedger(
    await assertFabricReachable(process.env.FABRIC_NETWORK_CONFIG ?? NETWORK_CONFIG),
  );
  const deadline = Date.now() + ms;
  try {
    for (let attempt = 1; ; attempt += 1) {
      const funder = signingIdentity({
        orgId: `funder-warm-${Date.now().toString(36)}-${attempt}`,
        kind: 'funder',
      });
      try {
        await ledger.createFund(fundRecord({ funderId: funder.orgId }), funder);
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`the Fabric network endorses no funder's transaction after ${ms / 1000} s`, {
            cause: err,
          });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    ledger.close();
  }
}

/**
 * Starts the Fabric network (building Fabric first when needed; fails the run if Go or the build
 * is missing) and creates this tier's database. `npm run fabric:up` reuses a running network whose
 * chaincode was built from the current sources, and rebuilds any other.
 */
export default async () => {
  execFileSync('bash', [join(ROOT, 'fabric', 'up.sh')], { cwd: ROOT, stdio: 'inherit' });
  await untilEndorsementPlansExist();
  await createProjectDatabase('fabric');
  // The peer-outage fault's row, printed by the teardown as the fault suite prints its table.
  const table = join(tmpdir(), `claimtrail-fabric-fault-table-${process.pid}.jsonl`);
  rmSync(table, { force: true });
  process.env[TABLE_ENV] = table;
};
