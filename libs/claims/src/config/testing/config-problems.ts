import { ConfigError, loadConfig } from '../app-config';

/** Development secrets, so a spec about another setting need not invent real ones. */
export const DEV_ENV = { CLAIMTRAIL_DEV_SECRETS: '1' } as const;

/** The problems `loadConfig` reports for `env` (development secrets unless it says otherwise). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...DEV_ENV, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
