import { type AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { assertPostgresReachable, assertRedisReachable, ServiceUnreachableError } from './preflight';
import { redisTarget } from './redis-target';

/**
 * Loads configuration and checks PostgreSQL and Redis before an app builds its graph, so a
 * missing service ends start-up with one readable line instead of retries and stack traces.
 */
export async function startupChecks(needs: { redis: boolean } = { redis: true }): Promise<AppConfig> {
  try {
    const config = loadConfig();
    await assertPostgresReachable(config.DATABASE_URL);
    if (needs.redis) await assertRedisReachable(redisTarget(config));
    return config;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ServiceUnreachableError) {
      process.stderr.write(`claimtrail: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Bounds graceful shutdown: if draining takes longer than the configured grace, the process exits anyway. */
export function boundShutdown(config: Pick<AppConfig, 'SHUTDOWN_TIMEOUT_MS'>, name: string): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(
          `claimtrail ${name}: still draining after ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting\n`,
        );
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
}
