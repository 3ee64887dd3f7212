import { z } from 'zod';
import type { LedgerSettings } from '@claimtrail/ledger/ledger.module';
import { DEV_PHI_KEYS, parsePhiKeys } from './phi-keys';

const DEV_MEMBER_REF_SECRET = 'dev-only-member-ref-secret-change-me';
const DEV_KEYS = parsePhiKeys(DEV_PHI_KEYS).keys;

/** What a worker process can run: adjudication jobs, the ledger relay, the sweeper. */
export const WORKER_ROLES = ['adjudication', 'relay', 'sweeper'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: int(3000, 0).refine((p) => p <= 65535, 'must be at most 65535'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/postgres'),
    DATABASE_POOL_SIZE: int(10, 1),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .default('redis://127.0.0.1:6379'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'may hold letters, digits, - and _ only')
      .default('claimtrail'),
    LEDGER: z.enum(['embedded', 'fabric']).default('embedded'),
    // The Fabric network's description (written by `npm run fabric:up`; see fabric/README.md).
    FABRIC_NETWORK_CONFIG: z.string().min(1).default('.fabric/network/network.json'),
    // The chaincode refuses batches above 500 records.
    LEDGER_BATCH_SIZE: int(500, 1).refine((n) => n <= 500, 'must be at most 500'),
    LEDGER_BATCH_WAIT_MS: int(100, 0),
    // Decision batches the relay has on their way to the ledger at once. Default 4 on Fabric, where
    // each waits for its block and a peer endorses several at a time; 1 on the embedded ledger,
    // which appends one batch at a time anyway.
    LEDGER_BATCHES_IN_FLIGHT: z.coerce
      .number()
      .int()
      .min(1)
      .refine((n) => n <= 16, 'must be at most 16')
      .optional(),
    MEMBER_REF_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    // Keyring for PHI at rest: the first key encrypts, every key decrypts (see docs/security.md).
    PHI_KEYS: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const { keys, problems } = parsePhiKeys(text);
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return keys;
      }),
    // What a worker process runs: several processes may split the roles between them.
    WORKER_ROLES: z
      .string()
      .default(WORKER_ROLES.join(','))
      .transform((s) =>
        s
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.enum(WORKER_ROLES, { error: `each must be one of ${WORKER_ROLES.join(', ')}` }))
          .min(1, `must name at least one of ${WORKER_ROLES.join(', ')}`),
      ),
    WORKER_CONCURRENCY: int(256, 1),
    // Claims of concurrently running jobs decided together in one transaction; batches beyond
    // ADJUDICATION_BATCHES_IN_FLIGHT wait, and keep filling, until one of those finishes.
    ADJUDICATION_BATCH_SIZE: int(128, 1),
    ADJUDICATION_BATCH_WAIT_MS: int(5, 0),
    ADJUDICATION_BATCHES_IN_FLIGHT: int(2, 1),
    // Submissions arriving together stored with one statement.
    SUBMISSION_BATCH_SIZE: int(64, 1),
    SUBMISSION_BATCH_WAIT_MS: int(2, 0),
    ADJUDICATION_ATTEMPTS: int(8, 1),
    // How long a submission waits for Redis before answering and leaving the enqueue to the sweeper.
    ENQUEUE_TIMEOUT_MS: int(2_000, 1),
    // How old the per-diagnosis average that review selection compares with may be (0: always fresh).
    DIAGNOSIS_AVERAGE_MAX_AGE_MS: int(30_000, 0),
    WORKER_METRICS_PORT: int(9464, 0),
    SWEEP_INTERVAL_MS: int(15_000, 100),
    STUCK_CLAIM_AFTER_MS: int(60_000, 100),
    BODY_LIMIT_BYTES: int(1_048_576, 1024),
    RATE_LIMIT_PER_MINUTE: int(6_000, 1),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url({ error: 'must list origins such as https://portal.example.org' }))),
    SHUTDOWN_TIMEOUT_MS: int(20_000, 0),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.MEMBER_REF_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEMBER_REF_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
    if (!env.PHI_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['PHI_KEYS'], message: 'is required when NODE_ENV=production' });
    } else if (env.PHI_KEYS.some((k) => DEV_KEYS.some((d) => d.key.equals(k.key)))) {
      ctx.addIssue({
        code: 'custom',
        path: ['PHI_KEYS'],
        message: 'must not contain the public development key when NODE_ENV=production',
      });
    }
  })
  .transform((env) => ({
    ...env,
    MEMBER_REF_SECRET: env.MEMBER_REF_SECRET ?? DEV_MEMBER_REF_SECRET,
    PHI_KEYS: env.PHI_KEYS ?? DEV_KEYS,
    LEDGER_BATCHES_IN_FLIGHT: env.LEDGER_BATCHES_IN_FLIGHT ?? (env.LEDGER === 'fabric' ? 4 : 1),
  }));

/** Validated process configuration; the only place that reads `process.env`. */
export type AppConfig = z.output<typeof schema>;

/** The ledger the configuration names, as the ledger library takes it. */
export function ledgerSettings(config: AppConfig): LedgerSettings {
  return { kind: config.LEDGER, fabricNetworkConfig: config.FABRIC_NETWORK_CONFIG };
}

/** Raised when the environment does not satisfy the schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates configuration from an environment map (defaults to `process.env`). */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`));
}
