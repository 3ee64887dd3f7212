import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** What `bin/claimtrail.js` runs: the suites that start the `claimtrail` program test this build. */
const BUILT_CLI = join('dist', 'apps', 'cli', 'src', 'main.js');

/** The sources `npm run build` compiles (tsconfig.build.json), less what it leaves out. */
const SOURCE_DIRS = ['apps', 'libs', join('chaincode', 'src'), 'tools'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'testing']);
const isBuiltSource = (name: string) => name.endsWith('.ts') && !name.endsWith('.spec.ts');

interface SourceFile {
  path: string;
  mtimeMs: number;
}

function newestIn(dir: string, newest: SourceFile | undefined): SourceFile | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return newest;
    throw err;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) newest = newestIn(path, newest);
    } else if (entry.isFile() && isBuiltSource(entry.name)) {
      const { mtimeMs } = statSync(path);
      if (!newest || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
    }
  }
  return newest;
}

/** The most recently modified source file that the build compiles, if there is any. */
export function newestBuiltSource(root = ROOT): SourceFile | undefined {
  let newest: SourceFile | undefined;
  for (const dir of SOURCE_DIRS) newest = newestIn(join(root, dir), newest);
  return newest;
}

/**
 * Refuses to test a stale build: the end-to-end suites run the `claimtrail` program (and some the
 * API) from `dist/`, which `npm run test:e2e` does not rebuild (`npm test` does). Fails when the
 * build is missing or any source file it compiles was changed after it. tsc rewrites every output
 * on each build, so the CLI's entry point dates the whole of `dist/`.
 */
export function assertBuildIsCurrent(root = ROOT): void {
  const built = join(root, BUILT_CLI);
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    throw new Error(`dist/ has no build (${BUILT_CLI} is missing); run npm run build`);
  }
  const newest = newestBuiltSource(root);
  if (newest && newest.mtimeMs > builtAt) {
    throw new Error(`dist/ is older than ${relative(root, newest.path)}; run npm run build`);
  }
}
