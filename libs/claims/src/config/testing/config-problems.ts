import { ConfigError, loadConfig } from '../app-config';

/** The problems `loadConfig` reports for `env`; none when it loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
