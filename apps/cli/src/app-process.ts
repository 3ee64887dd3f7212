import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The compiled apps sit beside this file's compiled copy under dist/apps; from the sources, under
// the repository's dist.
const ROOT = findRoot(__dirname);
const ENTRY = {
  api: join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js'),
  worker: join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js'),
} as const;

/** A free TCP port on loopback, so a restarted API comes back on the same address. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The built API or worker as its own operating-system process, started the way `npm start` starts
 * it, so that a fault can kill it outright (SIGKILL) or ask it to stop (SIGTERM).
 */
export class AppProcess {
  private child?: ChildProcess;
  private exited?: Promise<Exit>;
  private output: string[] = [];
  /** How many times the process has been started. */
  starts = 0;

  constructor(
    readonly app: keyof typeof ENTRY,
    private readonly env: NodeJS.ProcessEnv,
    /** Extra options for node itself, such as `--cpu-prof`. */
    private readonly nodeArgs: string[] = [],
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the process printed, for a failing test's message. */
  get log(): string {
    return this.output.slice(-40).join('');
  }

  /** Starts the process and waits until it serves (API) or consumes (worker). */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error(`${this.app} is already running`);
    const child = spawn(process.execPath, [...this.nodeArgs, ENTRY[this.app]], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    const keep = (d: Buffer) => {
      this.output.push(d.toString());
      if (this.output.length > 400) this.output.splice(0, 200);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const ready = this.app === 'api' ? () => this.apiAnswers() : () => this.said('worker ready:');
    const deadline = Date.now() + timeoutMs;
    while (!(await ready())) {
      if (!this.running) throw new Error(`${this.app} exited while starting:\n${this.log}`);
      if (Date.now() > deadline)
        throw new Error(`${this.app} did not start in ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends `signal` and resolves with how the process ended once it has gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (!this.child || !this.running) return { code: this.child?.exitCode ?? null, signal: null };
    this.child.kill(signal);
    return this.exited!;
  }

  private said(text: string): Promise<boolean> {
    return Promise.resolve(this.output.some((l) => l.includes(text)));
  }

  private async apiAnswers(): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.env.PORT}/health/live`);
      return res.ok;
    } catch {
      return false;
    }
  }
}

/** The folder holding package.json above `dir`. */
function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'apps'))) return d;
    if (dirname(d) === d) throw new Error(`no claimtrail checkout above ${dir}`);
  }
}
