import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../apps/cli/src/app-process';

// The installed PostgreSQL's programs (Debian keeps each major version under its own directory).
const PG_BIN = join(
  '/usr/lib/postgresql',
  readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0],
  'bin',
);
/** The postgres user's uid or gid: the second cluster's files must be its own. */
const postgresId = (flag: '-u' | '-g') => Number(execFileSync('id', [flag, 'postgres']).toString().trim());

/** A test CA, a server certificate it signed for `localhost` only, and a second CA that signed nothing. */
export interface TestPki {
  dir: string;
  ca: string;
  otherCa: string;
  cert: string;
  key: string;
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** Makes the PKI with openssl in a fresh directory. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'claimtrail-tls-'));
  chmodSync(dir, 0o755);
  for (const name of ['ca', 'other-ca']) {
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=claimtrail test ${name}`,
    ]);
  }
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  ]);
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    otherCa: join(dir, 'other-ca.crt'),
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
  };
}

/** A service this test started; stopped by its own PID. */
export interface Started {
  port: number;
  stop(): Promise<void>;
}

/**
 * A second PostgreSQL cluster of the installed version, on its own port, accepting only TLS
 * connections (hostssl) with the PKI's server certificate. Runs as the postgres user (initdb
 * refuses root).
 */
export async function startTlsPostgres(pki: TestPki): Promise<Started> {
  const port = await freePort();
  const data = join(pki.dir, 'pgdata');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, cmd), ...args], { stdio: 'pipe' });
  for (const f of [pki.dir, pki.cert, pki.key]) chownSync(f, postgresId('-u'), postgresId('-g'));
  chmodSync(pki.key, 0o600);
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
  const postgres = spawn(
    'runuser',
    [
      '-u',
      'postgres',
      '--',
      join(PG_BIN, 'postgres'),
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      pki.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'ssl=on',
      '-c',
      `ssl_cert_file=${pki.cert}`,
      '-c',
      `ssl_key_file=${pki.key}`,
      '-c',
      'fsync=off',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await waitUntil(postgres, () => {
    try {
      execFileSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  });
  return {
    port,
    stop: async () => {
      // The postmaster's own PID (runuser only waits for it), asked for a fast shutdown.
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (postgres.exitCode === null) {
        const exited = new Promise((r) => postgres.once('exit', r));
        process.kill(pid, 'SIGINT');
        await exited;
      }
    },
  };
}

/** Redis with TLS only (`--port 0`), presenting the PKI's server certificate; no client certificates asked. */
export async function startTlsRedis(pki: TestPki): Promise<Started> {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--tls-cert-file',
      pki.cert,
      '--tls-key-file',
      pki.key,
      '--tls-ca-cert-file',
      pki.ca,
      '--tls-auth-clients',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      pki.dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  redis.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(redis, () => /Ready to accept connections/.test(out));
  return { port, stop: () => stopByPid(redis) };
}

/** Removes the PKI directory (and the cluster's data in it). */
export function removePki(pki: TestPki): void {
  rmSync(pki.dir, { recursive: true, force: true });
}

async function waitUntil(child: ChildProcess, ready: () => boolean, timeoutMs = 30_000): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`${String(child.spawnfile)} exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`${String(child.spawnfile)} not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopByPid(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    process.kill(child.pid, 'SIGTERM');
  });
}
