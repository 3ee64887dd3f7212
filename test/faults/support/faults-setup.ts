import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestSecrets } from '../../support/test-databases';
import { TABLE_ENV } from './fault-table';

/** Every fault drives the built apps, so a missing build fails at once rather than in each suite. */
export default () => {
  const entry = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const file = join(tmpdir(), `claimtrail-fault-table-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  process.env[TABLE_ENV] = file;
  useTestSecrets();
};
