import { execFileSync, execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * Stops and starts the machine's PostgreSQL and Redis with the same commands `.ci/run` uses.
 * These are shared services: the fault suites run alone, and every suite that stops one starts it
 * again in `afterAll` whatever happened.
 */
const sh = (cmd: string) => execSync(cmd, { stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });

const pgVersion = () => readdirSync('/etc/postgresql')[0];

export function redisUp(): boolean {
  try {
    return sh('redis-cli -h 127.0.0.1 -p 6379 ping').trim() === 'PONG';
  } catch {
    return false;
  }
}

/** kill -9 of the Redis server (it keeps nothing on disk, so every queued job is gone). */
export function killRedis(): void {
  const pid = /process_id:(\d+)/.exec(sh('redis-cli -h 127.0.0.1 -p 6379 info server'))?.[1];
  if (!pid) throw new Error('could not find the Redis server process');
  process.kill(Number(pid), 'SIGKILL');
  for (let i = 0; i < 50 && redisUp(); i++) sh('sleep 0.1');
  if (redisUp()) throw new Error(`Redis (pid ${pid}) still answers after SIGKILL`);
}

/** Starts Redis as the machine does, and waits until it answers. */
export function startRedis(): void {
  if (redisUp()) return;
  sh('mkdir -p /var/lib/redis /var/log/redis');
  sh(
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no ' +
      '--dir /var/lib/redis --logfile /var/log/redis/ci.log',
  );
  for (let i = 0; i < 100 && !redisUp(); i++) sh('sleep 0.1');
  if (!redisUp()) throw new Error('Redis did not come back');
}

export function postgresUp(): boolean {
  try {
    execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Stops PostgreSQL (fast shutdown: open connections are cut). */
export function stopPostgres(): void {
  sh(`pg_ctlcluster --skip-systemctl-redirect ${pgVersion()} main stop -m fast`);
  if (postgresUp()) throw new Error('PostgreSQL still accepts connections after a fast stop');
}

/** Starts PostgreSQL as the machine does, and waits until it accepts connections. */
export function startPostgres(): void {
  if (postgresUp()) return;
  sh(`pg_ctlcluster --skip-systemctl-redirect ${pgVersion()} main start`);
  for (let i = 0; i < 100 && !postgresUp(); i++) sh('sleep 0.2');
  if (!postgresUp()) throw new Error('PostgreSQL did not come back');
}
