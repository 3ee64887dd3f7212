import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_ENV } from '../../faults/support/fault-table';
import { createProjectDatabase } from '../../support/project-database';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Starts the Fabric network (building Fabric first when needed; fails the run if Go or the build
 * is missing) and creates this tier's database. `npm run fabric:up` reuses a running network whose
 * chaincode was built from the current sources, and rebuilds any other.
 */
export default async () => {
  execFileSync('bash', [join(ROOT, 'fabric', 'up.sh')], { cwd: ROOT, stdio: 'inherit' });
  await createProjectDatabase('fabric');
  // The peer-outage fault's row, printed by the teardown as the fault suite prints its table.
  const table = join(tmpdir(), `claimtrail-fabric-fault-table-${process.pid}.jsonl`);
  rmSync(table, { force: true });
  process.env[TABLE_ENV] = table;
};
