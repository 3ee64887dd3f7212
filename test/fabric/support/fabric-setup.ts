import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createProjectDatabase } from '../../support/project-database';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Starts the Fabric network (building Fabric first when needed; fails the run if Go or the build
 * is missing) and creates this tier's database. `npm run fabric:up` reuses a running network.
 */
export default async () => {
  execFileSync('bash', [join(ROOT, 'fabric', 'up.sh')], { cwd: ROOT, stdio: 'inherit' });
  await createProjectDatabase('fabric');
};
