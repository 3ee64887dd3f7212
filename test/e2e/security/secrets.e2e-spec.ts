import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { DEV_LEDGER_HEAD_KEY } from '@claimtrail/claims/config/ledger-head-key';
import { DEV_PHI_KEYS } from '@claimtrail/claims/config/phi-keys';
import { DEV_MEMBER_REF_SECRET } from '@claimtrail/claims/config/secrets';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { freePort } from '../../../apps/cli/src/app-process';
import { buildScenario, type Scenario } from '../../support/scenario';
import { client, eventually, startStack, type Stack } from '../../support/stack';
import {
  makePki,
  removePki,
  startTlsPostgres,
  startTlsRedis,
  type Started as Service,
  type TestPki,
} from './support/tls-services';

const ROOT = join(__dirname, '..', '..', '..');
const API_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const CLI = join(ROOT, 'bin', 'claimtrail.js');

const realSecret = () => randomBytes(32).toString('base64');
const realPhiKeys = () => `k1:${realSecret()}`;

interface Started {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the process got as far as listening (it is then stopped by its own PID). */
  listened: boolean;
}

/**
 * Runs a built program with exactly `env` on top of the machine's basics; stops it by its own PID
 * once it listens (or after `timeoutMs`), so a process that should have refused to start fails the test.
 */
function run(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  whileListening?: () => Promise<void>,
): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: process.env.DATABASE_URL ?? '',
        QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? '',
        // This run's head key, so that each case is about the secrets it names (one case replaces it).
        LEDGER_HEAD_KEY: process.env.LEDGER_HEAD_KEY ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'log',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    let listened = false;
    const stop = () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    };
    const timer = setTimeout(stop, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!listened && /listening on/.test(stdout)) {
        listened = true;
        void (whileListening ?? (async () => undefined))().finally(stop);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, listened });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('secrets, row-bound PHI and transport security', () => {
  beforeAll(() => {
    if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run \`npm run build\` first`);
  });

  describe('H7: development secrets only on request', () => {
    const refusals: [string, Record<string, string>, RegExp][] = [
      [
        'no MEMBER_REF_SECRET',
        { PHI_KEYS: realPhiKeys() },
        /^claimtrail: invalid configuration: MEMBER_REF_SECRET is required \(base64 of at least 32 random bytes/,
      ],
      [
        'a 16-character MEMBER_REF_SECRET',
        { PHI_KEYS: realPhiKeys(), MEMBER_REF_SECRET: 'sixteen-chars-ok' },
        /^claimtrail: invalid configuration: MEMBER_REF_SECRET must be base64 of at least 32 random bytes/,
      ],
      [
        'the development MEMBER_REF_SECRET in production',
        { NODE_ENV: 'production', PHI_KEYS: realPhiKeys(), MEMBER_REF_SECRET: DEV_MEMBER_REF_SECRET },
        /^claimtrail: invalid configuration: MEMBER_REF_SECRET is the public development value/,
      ],
      [
        'the development PHI key',
        { MEMBER_REF_SECRET: realSecret(), PHI_KEYS: DEV_PHI_KEYS },
        /^claimtrail: invalid configuration: PHI_KEYS must not contain the public development key/,
      ],
      [
        'the development ledger head key',
        { MEMBER_REF_SECRET: realSecret(), PHI_KEYS: realPhiKeys(), LEDGER_HEAD_KEY: DEV_LEDGER_HEAD_KEY },
        /^claimtrail: invalid configuration: LEDGER_HEAD_KEY must not be the public development key/,
      ],
      [
        'no PHI_KEYS, the switch on, in production',
        { NODE_ENV: 'production', CLAIMTRAIL_DEV_SECRETS: '1', MEMBER_REF_SECRET: realSecret() },
        /^claimtrail: invalid configuration: PHI_KEYS is required .*\(NODE_ENV=production overrides CLAIMTRAIL_DEV_SECRETS\)$/,
      ],
    ];

    it.each(refusals)(
      'H7: the API refuses to start with %s, in one line naming the variable and the rule',
      async (_what, env, line) => {
        const r = await run([API_MAIN], env);
        expect(r.listened).toBe(false);
        expect(r.code).toBe(1);
        expect(lines(r.stderr)).toEqual([expect.stringMatching(line)]);
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      },
    );

    it('H7: with no secrets at all the API names both variables and how to ask for development ones', async () => {
      const r = await run([API_MAIN], {});
      expect(r.listened).toBe(false);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([
        'claimtrail: invalid configuration:',
        expect.stringMatching(/^ {2}- MEMBER_REF_SECRET is required .*or set CLAIMTRAIL_DEV_SECRETS=1/),
        expect.stringMatching(/^ {2}- PHI_KEYS is required .*or set CLAIMTRAIL_DEV_SECRETS=1/),
      ]);
    });

    it('H7: the CLI refuses the same way, and never echoes the secret it refuses', async () => {
      const weak = 'not-a-real-secret-but-long-enough-to-pass-16';
      const r = await run([CLI, 'org', 'create', '--kind', 'payer', '--name', 'H7 probe'], {
        PHI_KEYS: realPhiKeys(),
        MEMBER_REF_SECRET: weak,
      });
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([
        expect.stringMatching(/^claimtrail: invalid configuration: MEMBER_REF_SECRET must be base64/),
      ]);
      expect(r.stderr).not.toContain(weak);
    });

    it('H7: asked for explicitly, development secrets start the API with a visible warning', async () => {
      const r = await run([API_MAIN], { CLAIMTRAIL_DEV_SECRETS: '1' });
      expect(r.listened).toBe(true);
      expect(r.stderr).toMatch(
        /claimtrail: WARNING: CLAIMTRAIL_DEV_SECRETS=1: MEMBER_REF_SECRET and PHI_KEYS are the public development values/,
      );
    });

    it('H7: real secrets start the API with no warning', async () => {
      const r = await run([API_MAIN], { MEMBER_REF_SECRET: realSecret(), PHI_KEYS: realPhiKeys() });
      expect(r.listened).toBe(true);
      expect(r.stderr).not.toMatch(/WARNING/);
    });
  });

  describe('L4: PHI ciphertext bound to its row', () => {
    let stack: Stack;
    let db: DataSource;
    let s: Scenario;
    let ids: { active: string; lapsed: string };
    const tag = `l4${Date.now().toString(36)}`;
    const asPayer = () => client(stack.baseUrl, s.payer.key);
    const idOf = async (memberNumber: string): Promise<string> =>
      (
        (await db.query(`SELECT id FROM members WHERE member_number = $1`, [memberNumber])) as {
          id: string;
        }[]
      )[0].id;

    beforeAll(async () => {
      stack = await startStack();
      db = stack.api.get<DataSource>(getDataSourceToken());
      s = await buildScenario(stack.baseUrl, tag);
      ids = { active: await idOf(s.members.active), lapsed: await idOf(s.members.lapsed) };
    });

    afterAll(async () => {
      await stack?.close();
    });

    it("L4: swapping two members' encrypted names in PostgreSQL makes both reads fail with an integrity error, showing neither name", async () => {
      const before = await asPayer()('GET', `/v1/members/${ids.active}`);
      expect(before.status).toBe(200);
      expect(before.body.fullName).toBe('Wanjiru Kamau');

      // An insider with write access to the table moves ciphertext between rows of the same column.
      await db.query(
        `UPDATE members AS m SET full_name = o.full_name
           FROM members AS o WHERE (m.id, o.id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [ids.active, ids.lapsed],
      );
      for (const id of [ids.active, ids.lapsed]) {
        const read = await asPayer()('GET', `/v1/members/${id}`);
        expect(read.status).toBe(409);
        expect(read.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(read.body).toMatchObject({
          type: 'urn:claimtrail:problem:stored-data-integrity',
          title: 'Stored data integrity violated',
          status: 409,
        });
        const text = JSON.stringify(read.body);
        for (const leaked of ['Wanjiru', 'Otieno', 'v2.', 'members.full_name', 'authentication failed']) {
          expect(text).not.toContain(leaked);
        }
      }

      // Swapped back, both read again: nothing else was disturbed.
      await db.query(
        `UPDATE members AS m SET full_name = o.full_name
           FROM members AS o WHERE (m.id, o.id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [ids.active, ids.lapsed],
      );
      expect((await asPayer()('GET', `/v1/members/${ids.lapsed}`)).body.fullName).toBe('Otieno Odhiambo');
    });

    it('L4: a renewal keeps the member id and its new values read back under that id', async () => {
      const renewed = await asPayer()('POST', '/v1/members', {
        members: [
          {
            memberNumber: s.members.active,
            planId: s.planId,
            fullName: 'Wanjiru Kamau Njeri',
            birthDate: '1990-04-12',
            sex: 'F',
            phone: '+254 712 000000',
            coverageStart: '2026-01-01',
            coverageEnd: '2026-12-31',
          },
        ],
      });
      expect(renewed.status).toBe(201);
      expect(renewed.body.members).toEqual([{ id: ids.active, memberNumber: s.members.active }]);
      const read = await asPayer()('GET', `/v1/members/${ids.active}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ fullName: 'Wanjiru Kamau Njeri', phone: '+254 712 000000' });
    });
  });

  describe('M6: PostgreSQL and Redis over verified TLS', () => {
    let pki: TestPki;
    let pg: Service;
    let redis: Service;
    const secrets = () => ({
      MEMBER_REF_SECRET: process.env.MEMBER_REF_SECRET!,
      PHI_KEYS: process.env.PHI_KEYS!,
    });
    const pgUrl = (host: string, ca: string, mode = 'verify-full') =>
      `postgres://postgres@${host}:${pg.port}/postgres?sslmode=${mode}&sslrootcert=${ca}`;
    const tlsEnv = (over: { pgHost?: string; pgCa?: string; redisHost?: string; redisCa?: string } = {}) => ({
      ...secrets(),
      DATABASE_URL: pgUrl(over.pgHost ?? 'localhost', over.pgCa ?? pki.ca),
      REDIS_URL: `rediss://${over.redisHost ?? 'localhost'}:${redis.port}`,
      REDIS_TLS_CA_FILE: over.redisCa ?? pki.ca,
      QUEUE_PREFIX: `m6_${Date.now().toString(36)}`,
    });

    beforeAll(async () => {
      pki = makePki();
      pg = await startTlsPostgres(pki);
      redis = await startTlsRedis(pki);
    });

    afterAll(async () => {
      await redis?.stop();
      await pg?.stop();
      if (pki) removePki(pki);
    });

    it('M6: the platform migrates and serves with PostgreSQL on sslmode=verify-full and Redis on rediss://', async () => {
      const env = tlsEnv();
      const migrated = await run([CLI, 'migrate'], env, 120_000);
      expect(migrated.stderr).toBe('');
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toMatch(/^applied /);

      const port = await freePort();
      let ready: { status: number; body: unknown } | undefined;
      const opsToken = randomBytes(32).toString('base64url');
      const api = { ...env, PORT: String(port), OPS_TOKEN: opsToken };
      const r = await run([API_MAIN], api, 60_000, async () => {
        ready = await eventually(async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health/ready`, {
            headers: { authorization: `Bearer ${opsToken}` },
          }).catch(() => undefined);
          return res ? { status: res.status, body: await res.json() } : undefined;
        }, 20_000);
      });
      expect(r.listened).toBe(true);
      expect(ready?.status).toBe(200);
    });

    it('M6: PostgreSQL with a certificate from another CA, or for another host name, is refused in one line', async () => {
      const cases: [Record<string, string>, RegExp][] = [
        [
          tlsEnv({ pgCa: pki.otherCa }),
          /\((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)\)/,
        ],
        [tlsEnv({ pgHost: '127.0.0.1' }), /\(ERR_TLS_CERT_ALTNAME_INVALID\)/],
        [{ ...tlsEnv(), DATABASE_URL: pgUrl('localhost', pki.ca, 'disable') }, /\(28000\): start it/],
      ];
      for (const [env, why] of cases) {
        const r = await run([API_MAIN], env);
        expect(r.listened).toBe(false);
        expect(r.code).toBe(1);
        expect(lines(r.stderr)).toEqual([
          expect.stringMatching(/^claimtrail: PostgreSQL is not reachable at postgres:\/\//),
        ]);
        expect(r.stderr).toMatch(why);
      }
      // The certificate failures say so rather than suggest starting the server.
      expect((await run([API_MAIN], tlsEnv({ pgHost: '127.0.0.1' }))).stderr).toMatch(
        /its certificate does not verify against DATABASE_URL's sslrootcert and host name/,
      );
    });

    it('M6: Redis with a certificate from another CA, or for another host name, is refused in one line', async () => {
      const cases: [Record<string, string>, RegExp][] = [
        [tlsEnv({ redisCa: pki.otherCa }), /\((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/],
        [tlsEnv({ redisHost: '127.0.0.1' }), /\(ERR_TLS_CERT_ALTNAME_INVALID\)/],
      ];
      for (const [env, why] of cases) {
        const r = await run([API_MAIN], env);
        expect(r.listened).toBe(false);
        expect(r.code).toBe(1);
        expect(lines(r.stderr)).toEqual([
          expect.stringMatching(/^claimtrail: Redis is not reachable at rediss:\/\//),
        ]);
        expect(r.stderr).toMatch(why);
      }
    });

    it('M6: a CA file that cannot be read, or one given for plaintext redis://, stops start-up in one line', async () => {
      const missing = await run([API_MAIN], { ...tlsEnv(), REDIS_TLS_CA_FILE: join(pki.dir, 'absent.crt') });
      expect(missing.code).toBe(1);
      expect(lines(missing.stderr)).toEqual([
        expect.stringMatching(
          /^claimtrail: invalid configuration: REDIS_TLS_CA_FILE cannot be read \(ENOENT/,
        ),
      ]);
      const plain = await run([API_MAIN], { ...tlsEnv(), REDIS_URL: `redis://localhost:${redis.port}` });
      expect(lines(plain.stderr)).toEqual([
        'claimtrail: invalid configuration: REDIS_TLS_CA_FILE needs a rediss:// REDIS_URL (TLS); redis:// is plaintext',
      ]);
    });
  });

  describe('M6: the API behind a TLS-terminating proxy', () => {
    let pki: TestPki;
    afterAll(() => pki && removePki(pki));

    /**
     * A TLS-terminating proxy in front of the API at `apiPort`, as nginx would be: it adds
     * X-Forwarded-For and X-Forwarded-Proto. Every caller here comes from 127.0.0.1, so the
     * caller's address the proxy forwards is taken from a test header, to stand for two clients.
     */
    async function withProxy<T>(apiPort: number, fn: (port: number) => Promise<T>): Promise<T> {
      const proxy = createHttpsServer(
        { cert: readFileSync(pki.cert), key: readFileSync(pki.key) },
        (req, res) => {
          const { 'x-test-client': clientIp, ...headers } = req.headers;
          const upstream = httpRequest(
            {
              host: '127.0.0.1',
              port: apiPort,
              method: req.method,
              path: req.url,
              headers: { ...headers, 'x-forwarded-for': String(clientIp), 'x-forwarded-proto': 'https' },
            },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          req.pipe(upstream);
        },
      );
      const port = await freePort();
      await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
      try {
        return await fn(port);
      } finally {
        await new Promise((r) => proxy.close(r));
      }
    }

    const get = (port: number, client: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          {
            host: 'localhost',
            port,
            path: '/v1/claims',
            ca: readFileSync(pki.ca),
            headers: { 'x-test-client': client },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });

    /** Statuses of three calls from client A, then one from client B, through the proxy. */
    async function callsThroughProxy(trustProxy: string | undefined): Promise<number[]> {
      const apiPort = await freePort();
      const env = {
        MEMBER_REF_SECRET: process.env.MEMBER_REF_SECRET!,
        PHI_KEYS: process.env.PHI_KEYS!,
        PORT: String(apiPort),
        // Counters of their own: the suite's other calls from 127.0.0.1 must not count here.
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_proxy${trustProxy ? 'trusted' : 'plain'}`,
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2',
        ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}),
      };
      let statuses: number[] = [];
      const r = await run([API_MAIN], env, 60_000, () =>
        withProxy(apiPort, async (port) => {
          statuses = [];
          for (const client of ['203.0.113.7', '203.0.113.7', '203.0.113.7', '198.51.100.9']) {
            statuses.push(await get(port, client));
          }
        }),
      );
      expect(r.listened).toBe(true);
      return statuses;
    }

    it('M6: with TRUST_PROXY naming the proxy, the API sees each client behind it (its own rate limit), over https', async () => {
      pki = makePki();
      // Three unauthenticated calls from A (2 a minute allowed: 401, 401, 429), then one from B.
      expect(await callsThroughProxy('127.0.0.1')).toEqual([401, 401, 429, 401]);
      // Without it, every client is the proxy's one address, and B pays for A.
      expect(await callsThroughProxy(undefined)).toEqual([401, 401, 429, 429]);
    });
  });
});
