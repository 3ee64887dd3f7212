import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ceilingResult, cleanUp, formatCeiling, type CeilingOptions, type CeilingResult } from './ceiling';

const CONNECTIONS = 50;
/** Untimed load first, so the server's JIT is warm when the measured window starts. */
const WARM_UP_MS = 1_000;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** A small claim-submission-like body; the server ignores it beyond parsing. */
const BODY = JSON.stringify({
  externalRef: 'INV-1',
  serviceDate: '2026-03-14',
  lines: [{ code: 'CONS-GP' }],
});

/** The compiled child entry beside this file; absent when running from the TypeScript sources. */
export function fastifyChildEntry(dir: string = __dirname): string {
  const entry = join(dir, 'fastify-child.js');
  if (!existsSync(entry)) throw new Error(`${entry} not found: run from the build (npx nest build)`);
  return entry;
}

/** Spawns the child server and resolves with its port once it listens. */
async function startChild(entry: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [entry], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new Error('fastify child did not start in time')),
        START_TIMEOUT_MS,
      );
      child.once('message', (m: { port?: unknown }) => {
        clearTimeout(timer);
        if (typeof m.port === 'number') resolve(m.port);
        else reject(new Error(`unexpected message from fastify child: ${JSON.stringify(m)}`));
      });
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`fastify child exited (${code ?? signal})`)));
    });
    return { child, port };
  } catch (err: unknown) {
    await stopChild(child);
    throw err;
  }
}

/** Asks the child to stop, and kills it if it has not exited in time. */
async function stopChild(child: ChildProcess): Promise<void> {
  // No pid: it never started. An exit code or signal: it has already gone.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Drives POST / on the child with autocannon for `durationMs`. */
function load(port: number, durationMs: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: durationMs / 1000,
  });
}

/**
 * A bare Fastify 5 server answering a trivial JSON POST with {"ok":true}, in a child process,
 * loaded by autocannon (50 connections, no pipelining) from this process; counts 2xx answers.
 */
export async function measureFastifyTrivialPost(
  opts: Pick<CeilingOptions, 'durationMs' | 'log'>,
): Promise<CeilingResult> {
  const { child, port } = await startChild(fastifyChildEntry());
  try {
    await load(port, Math.min(WARM_UP_MS, opts.durationMs));
    const run = await load(port, opts.durationMs);
    if (run.non2xx > 0 || run.errors > 0) {
      opts.log?.(`ceiling fastify: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
    }
    const result = ceilingResult(
      'fastify-trivial-post',
      `bare Fastify 5 in a child process answering a JSON POST with {ok:true}; autocannon, ${CONNECTIONS} connections, pipelining 1`,
      run['2xx'],
      run.duration * 1000,
    );
    opts.log?.(formatCeiling(result));
    return result;
  } finally {
    await cleanUp('stop the fastify child', () => stopChild(child), opts.log);
  }
}
