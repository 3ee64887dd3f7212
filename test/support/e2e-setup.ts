import 'tsconfig-paths/register';
import { assertBuildIsCurrent } from './built-code';
import { createProjectDatabase } from './project-database';

export default async () => {
  // The suites run the built `claimtrail` program (and, in places, the built API): a stale dist/
  // would test an earlier version of the code.
  assertBuildIsCurrent();
  await createProjectDatabase('e2e');
};
