import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import printFaultTable from '../../faults/support/faults-teardown';
import { dropProjectDatabase } from '../../support/project-database';

const ROOT = join(__dirname, '..', '..', '..');

/** Drops the database and stops the network (FABRIC_KEEP=1 leaves it running for inspection). */
export default async () => {
  printFaultTable();
  await dropProjectDatabase('fabric');
  if (process.env.FABRIC_KEEP !== '1') {
    execFileSync('bash', [join(ROOT, 'fabric', 'down.sh')], { cwd: ROOT, stdio: 'inherit' });
  }
};
