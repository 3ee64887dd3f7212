import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LedgerSettings } from '@claimtrail/ledger/ledger.module';
import { DEV_LEDGER_HEAD_KEY, parseLedgerHeadKey } from './ledger-head-key';
import { DEV_PHI_KEYS, parsePhiKeys } from './phi-keys';
import {
  DEV_MEMBER_REF_SECRET,
  DEV_SECRETS_SWITCH,
  devSecretsWarning,
  SECRET_RULE,
  secretProblem,
} from './secrets';

const DEV_KEYS = parsePhiKeys(DEV_PHI_KEYS).keys;
const DEV_HEAD_KEY_PEM = parseLedgerHeadKey(DEV_LEDGER_HEAD_KEY).pem;

/** Injection token of the validated AppConfig (ConfigModule provides it). */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** What a worker process can run: adjudication jobs, the ledger relay, the sweeper, the reconciler. */
export const WORKER_ROLES = ['adjudication', 'relay', 'sweeper', 'reconciler'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** The CA file a postgres:// URL names (libpq's sslrootcert), if any. */
function sslRootCert(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('sslrootcert') ?? undefined;
  } catch {
    return undefined;
  }
}

/** A PEM file named by a setting, read at start-up so a missing one stops it with one line. */
function readPem(path: string | undefined, ctx: z.RefinementCtx): string | undefined {
  if (path === undefined) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      ctx.addIssue({ code: 'custom', message: `${path} holds no PEM certificate` });
    return pem;
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `cannot be read (${(err as { code?: string }).code ?? String(err)}: ${path})`,
    });
    return undefined;
  }
}

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** `a, b,,c` as `['a', 'b', 'c']`. */
const commaList = (s: string) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** An optional setting read by `parse`, whose problems are the setting's. */
const parsedWith = <T>(parse: (text: string) => { value: T | undefined; problems: string[] }) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const { value, problems } = parse(text);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return value;
    });

const base = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // The one switch that lets unset secrets fall back to the public development values.
  [DEV_SECRETS_SWITCH]: z
    .enum(['0', '1', 'false', 'true'], { error: 'must be 1 (use development secrets) or 0' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
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
  // PEM file of the certificate authorities a rediss:// server's certificate must chain to (the
  // system's own when unset); the server's name must match the URL's host either way.
  REDIS_TLS_CA_FILE: z.string().min(1).optional().transform(readPem),
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
  // The embedded ledger's head key: signs checkpoints and heads (see docs/integrity.md).
  LEDGER_HEAD_KEY: parsedWith((text) => {
    const { pem, problems } = parseLedgerHeadKey(text);
    return { value: pem, problems };
  }),
  // Blocks between the embedded ledger's signed checkpoints: the most headers a proof carries.
  LEDGER_CHECKPOINT_INTERVAL: int(256, 1),
  MEMBER_REF_SECRET: z.string().optional(),
  // Keyring for PHI at rest: the first key encrypts, every key decrypts (see docs/security.md).
  PHI_KEYS: parsedWith((text) => {
    const { keys, problems } = parsePhiKeys(text);
    return { value: keys, problems };
  }),
  // What a worker process runs: several processes may split the roles between them.
  WORKER_ROLES: z
    .string()
    .default(WORKER_ROLES.join(','))
    .transform(commaList)
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
  // How often the reconciler compares what changed in PostgreSQL with the ledger, and how often it
  // compares everything (0: only when it starts).
  RECONCILE_INTERVAL_MS: int(10_000, 100),
  // Access-log rows wait in each process's buffer at most this long, or until this many are waiting.
  ACCESS_LOG_FLUSH_MS: int(25, 1),
  ACCESS_LOG_BATCH_SIZE: int(500, 1),
  // How often the worker's reconciler writes the access log's head to the ledger; 0: never.
  ACCESS_LOG_ANCHOR_INTERVAL_MS: int(60_000, 0),
  RECONCILE_FULL_INTERVAL_MS: int(3_600_000, 0),
  STUCK_CLAIM_AFTER_MS: int(60_000, 100),
  BODY_LIMIT_BYTES: int(1_048_576, 1024),
  // Requests per minute of one organization (all its keys, every API process: counted in Redis).
  RATE_LIMIT_PER_MINUTE: int(6_000, 1),
  // Requests per minute from one client address, counted before the key is checked.
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: int(12_000, 1),
  // Requests per minute from one client address to /health/ready and /metrics.
  OPS_RATE_LIMIT_PER_MINUTE: int(120, 1),
  // Bearer token that /health/ready and /metrics require; unset, they answer 401 to everyone.
  OPS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  // Proxies whose X-Forwarded-For names the client: addresses or CIDRs, comma-separated (none: off).
  TRUST_PROXY: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(
      z.array(
        z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
          error: 'must list proxy addresses or CIDRs such as 10.0.0.0/8',
        }),
      ),
    ),
  // Active (unrevoked or in their grace period) API keys one organization may hold.
  MAX_KEYS_PER_ORGANIZATION: int(20, 1),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(z.array(z.url({ error: 'must list origins such as https://portal.example.org' }))),
  SHUTDOWN_TIMEOUT_MS: int(20_000, 0),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

const schema = base
  .superRefine((env, ctx) => {
    // NODE_ENV=production never runs on a development value, whatever the switch says.
    const dev = env[DEV_SECRETS_SWITCH] && env.NODE_ENV !== 'production';
    const blocked =
      env[DEV_SECRETS_SWITCH] && !dev ? ` (NODE_ENV=production overrides ${DEV_SECRETS_SWITCH})` : '';
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.REDIS_TLS_CA_FILE !== undefined && !env.REDIS_URL.startsWith('rediss://')) {
      issue('REDIS_TLS_CA_FILE', 'needs a rediss:// REDIS_URL (TLS); redis:// is plaintext');
    }
    const rootCert = sslRootCert(env.DATABASE_URL);
    if (rootCert && !existsSync(rootCert)) {
      issue('DATABASE_URL', `names sslrootcert=${rootCert}, which does not exist`);
    }
    if (env.MEMBER_REF_SECRET === undefined) {
      if (!dev)
        issue(
          'MEMBER_REF_SECRET',
          `is required (${SECRET_RULE}), or set ${DEV_SECRETS_SWITCH}=1 for local development${blocked}`,
        );
    } else if (!(dev && env.MEMBER_REF_SECRET === DEV_MEMBER_REF_SECRET)) {
      const problem = secretProblem(env.MEMBER_REF_SECRET);
      if (problem) issue('MEMBER_REF_SECRET', problem);
    }
    if (env.PHI_KEYS === undefined) {
      if (!dev)
        issue(
          'PHI_KEYS',
          `is required (kid:base64-key, the key from: openssl rand -base64 32), or set ${DEV_SECRETS_SWITCH}=1 for local development${blocked}`,
        );
    } else if (!dev && env.PHI_KEYS.some((k) => DEV_KEYS.some((d) => d.key.equals(k.key)))) {
      issue(
        'PHI_KEYS',
        `must not contain the public development key (allowed only with ${DEV_SECRETS_SWITCH}=1)`,
      );
    }
    // Only the embedded ledger signs heads and checkpoints; on Fabric the peers' blocks are the record.
    if (env.LEDGER === 'embedded') {
      if (env.LEDGER_HEAD_KEY === undefined) {
        if (!dev)
          issue(
            'LEDGER_HEAD_KEY',
            `is required (a PKCS#8 PEM ECDSA P-256 private key: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256), or set ${DEV_SECRETS_SWITCH}=1 for local development${blocked}`,
          );
      } else if (!dev && env.LEDGER_HEAD_KEY === DEV_HEAD_KEY_PEM) {
        issue(
          'LEDGER_HEAD_KEY',
          `must not be the public development key (allowed only with ${DEV_SECRETS_SWITCH}=1)`,
        );
      }
    }
  })
  .transform((env) => ({
    ...env,
    LEDGER_HEAD_KEY: env.LEDGER_HEAD_KEY ?? DEV_LEDGER_HEAD_KEY,
    MEMBER_REF_SECRET: env.MEMBER_REF_SECRET ?? DEV_MEMBER_REF_SECRET,
    PHI_KEYS: env.PHI_KEYS ?? DEV_KEYS,
    /** Secrets that fell back to their public development values (empty unless the switch is on). */
    DEV_SECRETS_IN_USE: [
      ...(env.MEMBER_REF_SECRET === undefined || env.MEMBER_REF_SECRET === DEV_MEMBER_REF_SECRET
        ? ['MEMBER_REF_SECRET']
        : []),
      ...(env.PHI_KEYS === undefined || env.PHI_KEYS.some((k) => DEV_KEYS.some((d) => d.key.equals(k.key)))
        ? ['PHI_KEYS']
        : []),
      ...(env.LEDGER === 'embedded' &&
      (env.LEDGER_HEAD_KEY === undefined || env.LEDGER_HEAD_KEY === DEV_HEAD_KEY_PEM)
        ? ['LEDGER_HEAD_KEY']
        : []),
    ],
    LEDGER_BATCHES_IN_FLIGHT: env.LEDGER_BATCHES_IN_FLIGHT ?? (env.LEDGER === 'fabric' ? 4 : 1),
  }));

/** Validated process configuration; the only place that reads `process.env`. */
export type AppConfig = z.output<typeof schema>;

/**
 * Where the Fabric network's description is, for commands that need nothing else (an offline
 * `verify` of a Fabric proof holds no secret, so it must not require one).
 */
export function loadFabricNetworkConfigPath(env: Record<string, string | undefined> = process.env): string {
  const result = base.pick({ FABRIC_NETWORK_CONFIG: true }).safeParse(env);
  if (result.success) return result.data.FABRIC_NETWORK_CONFIG;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`));
}

/** The ledger the configuration names, as the ledger library takes it. */
export function ledgerSettings(config: AppConfig): LedgerSettings {
  return {
    kind: config.LEDGER,
    fabricNetworkConfig: config.FABRIC_NETWORK_CONFIG,
    headKeyPem: config.LEDGER_HEAD_KEY,
    checkpointInterval: config.LEDGER_CHECKPOINT_INTERVAL,
  };
}

/** Raised when the environment does not satisfy the schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One problem fits on one start-up line; several are listed, one a line.
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

let warned = false;

/** Parses and validates configuration from an environment map (defaults to `process.env`). */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = schema.safeParse(env);
  if (result.success) {
    // Once per process, and only for the process's own environment (not for maps tests pass in).
    if (env === process.env && result.data.DEV_SECRETS_IN_USE.length > 0 && !warned) {
      warned = true;
      process.stderr.write(`${devSecretsWarning(result.data.DEV_SECRETS_IN_USE)}\n`);
    }
    return result.data;
  }
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`));
}
